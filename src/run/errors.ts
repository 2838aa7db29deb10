// The one error type of the run pieces: a problem with the command line, the
// profile's secrets, parameters or lookup tables, or the output folders. It is
// always found before any input is read, and the command reports it as a
// usage error (exit 2).

export class RunSetupError extends Error {}
