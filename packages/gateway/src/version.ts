declare const SMI_VERSION: string | undefined;

/** Release version, injected by the bundler from the root package.json. */
export const VERSION: string = typeof SMI_VERSION === 'string' ? SMI_VERSION : '0.0.0-dev';
export const SUPPORT_URL = 'https://github.com/smart-meter-interop/smart-meter-interop';
