// A leaf module: the words a failed build's message ends with when its output is shown above it. The client
// (through protocol.ts) strips them off again when it shows the message in a notification.
export const BUILD_OUTPUT_HINT = ' The output above shows why.';
