export * from './protocol';
export * from './permissions';
export * from './errors';
