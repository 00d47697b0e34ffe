import { Type } from '@sinclair/typebox';
import { DEFAULT_ROTATION_GRACE_SECONDS, MAX_ROTATION_GRACE_SECONDS } from '../../policy/secrets';

export const RotateSecretBody = Type.Object(
  {
    secret: Type.Optional(
      Type.String({ minLength: 8, maxLength: 300, description: 'The new secret (whsec_ or plain, like on create); by default Herald generates one.' }),
    ),
    graceSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_ROTATION_GRACE_SECONDS,
        description: `How long the previous secret keeps signing beside the new one; default ${DEFAULT_ROTATION_GRACE_SECONDS} (24 h), 0 drops it now.`,
      }),
    ),
  },
  { additionalProperties: false },
);
