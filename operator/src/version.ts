// The operator's version, printed by --version and sent in the User-Agent. Kept equal to
// package.json's version by a test (reading package.json at run time would tie the built
// image to the repository layout).
export const OPERATOR_VERSION = '0.1.0';
