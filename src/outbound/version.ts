// Sent as `User-Agent: Herald-Webhooks/<version>`. A constant rather than a read of package.json
// so the delivery code stays free of file-system access and can be bundled anywhere.
export const HERALD_VERSION = '0.1.0';
