/** A module for warm-runtime.test.ts's preload that fails when imported. */
throw new Error('this module cannot be preloaded');
