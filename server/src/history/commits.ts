// How many commits a replay takes: the CLI's --commits, the panel's and the lens suffix's setting.

/** Commits replayed by default. */
export const DEFAULT_COMMITS = 50;
/** The most commits one replay takes. */
export const MAX_COMMITS = 5000;
