export * from './text';
export * from './schemas';
