/** hallq's core: pure TypeScript that runs in the browser, Node and Electron alike. */
export * from './clock';
export * from './config';
export * from './events';
export * from './fold';
export * from './queue';
export * from './numbering';
export * from './ratings';
export * from './estimate';
export * from './schedule';
export * from './identity';
export * from './actions';
export * from './sync';
export * from './devices';
