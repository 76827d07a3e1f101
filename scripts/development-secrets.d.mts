/** Types of development-secrets.mjs (the values are development-only; see that file). */
export declare const developmentSecrets: Readonly<Record<string, string>>;
