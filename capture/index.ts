export * from './frame.js';
export * from './decode-error.js';
