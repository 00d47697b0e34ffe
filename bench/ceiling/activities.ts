// The ceiling's activity does nothing but note, in the benchmark process, when it ran: the
// counterpart of the receiver noting when a delivery arrived. The worker registers an object of
// this shape built in bench/ceilings.ts.
export interface CeilingActivities {
  noop(key: string): Promise<void>;
}
