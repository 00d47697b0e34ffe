// Everything about the outgoing HTTP request. The pure parts (body, template, headers,
// signature) are decided in request.ts; send.ts and targetGuard.ts are the only I/O. Workflow
// code must not import this index: it pulls in undici and node:dns.
export { HERALD_VERSION } from './version';
export { buildEnvelope, envelopeJson, type Envelope } from './envelope';
export { renderTemplate, validateTemplate, TemplateError, type RenderedTemplate } from './template';
export { encodeBody, CONTENT_TYPE_HEADERS, type EncodedBody } from './encoders';
export { isXmlElementName, XML_ROOT } from './xmlEncoding';
export { generateSecret, normalizeSecret, signPayload, SecretError, SECRET_PREFIX } from './signing';
export { generateSigningKeyPair, publicKeyObject, signAsymmetric, PUBLIC_KEY_PREFIX } from './asymmetricSigning';
export { buildPing, encodePing, pingPayloadJson, PING_EVENT_TYPE, type PingBody, type PingPayload } from './ping';
export { buildHeaders, basicAuthorization, isReservedHeader, RESERVED_HEADERS, USER_AGENT, type HeaderInputs } from './headers';
export { buildRequest, buildPingRequest, type OutgoingRequest } from './request';
export { isSecretHeader, MASK, redactRequest } from './redaction';
export { checkTargetUrl, type ResolveHost, type TargetAccess, type TargetCheck, type TargetGuardOptions } from './targetGuard';
export { isPrivateAddress, specialAddressReason } from './specialAddresses';
export { sendRequest, RESPONSE_SNIPPET_BYTES, type SendOptions, type SendResult } from './send';
export { closeSharedDispatchers } from './dispatchers';
