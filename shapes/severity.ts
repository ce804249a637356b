/**
 * The severities of findings, errors first, then warnings, then notes: apart from the findings' schema
 * (findings.ts), so that the CLI sorts by them without loading the schema library.
 */
export const SEVERITY_ORDER: Readonly<Record<'error' | 'warning' | 'info', number>> = { error: 0, warning: 1, info: 2 };
