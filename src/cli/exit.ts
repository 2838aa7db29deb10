// Exit codes, documented in the README and `deidc --help`.
export const EXIT_OK = 0;
/** lint found problems; run: some objects failed, were rejected or quarantined */
export const EXIT_FINDINGS = 1;
/** bad command line, unreadable entry file, or an internal error */
export const EXIT_USAGE = 2;
/** run: stopped part-way because its report or crosswalk could not be written (a signal gives 128 + its number) */
export const EXIT_STOPPED = 3;

export class UsageError extends Error {}
