import { Type } from '@sinclair/typebox';

export const EventTypeView = Type.Object({ name: Type.String(), description: Type.String(), family: Type.String() });

// No filters yet; an unknown query field is refused rather than silently ignored.
export const EventTypeListQuery = Type.Object({}, { additionalProperties: false });

export const CreateEventTypeBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    family: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
