/**
 * The version of what the analyses report for the same bytes. Results remembered for unchanged
 * files (model scan reports in the file cache, notebook facts and secret hits in the file memo)
 * that were made under another version are computed again on the next scan; file digests are
 * kept, so that costs header reads, not rehashing.
 *
 * Raise it with every change that can give an unchanged file another result: a rule added,
 * removed or changed (severity, title), a scanner or analyzer that finds more or less. A test
 * (test/core/rules/version.test.ts) pins the digest of the rule table to this number, so a rule
 * change without a new version fails; scanner and analyzer changes rely on review.
 */
export const RULES_VERSION = 11
