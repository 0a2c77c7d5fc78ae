export * from './protocol';
export * from './permissions';
