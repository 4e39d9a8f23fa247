/** Injection tokens for what the platform provides to every app. */
export const CONFIG = Symbol('CONFIG');
export const APP_NAME = Symbol('APP_NAME');
