// The pure text helpers the client and the webviews share with the server (no I/O, no vscode, no vscode-jsonrpc):
// filling a template, rendering a reason or a message value in a language, sizes in words. The contract module
// (server/src/protocol.ts) re-exports them; the webviews import this file directly, so their bundles stay free of
// the RPC library.
export { englishT, formatMessage, type Translate } from '../core/shared/translate';
export { MESSAGES, renderMessage, type Message, type MessageCode } from '../core/shared/message';
/** A reason (a step's, a simulation's) as a value, and its one renderer per language (the `Translate` passed). */
export { renderReason, REASON_MESSAGES, type Reason } from '../core/plan/reason';
export { formatBytes } from '../core/shared/bytes';
