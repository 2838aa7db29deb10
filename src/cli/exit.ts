// Exit codes, documented in the README and `deidc --help`.
export const EXIT_OK = 0;
/** lint found problems; run: some objects failed, were rejected or quarantined */
export const EXIT_FINDINGS = 1;
/** bad command line, unreadable entry file, or an internal error */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}
