export * from './text';
export * from './schemas';
export * from './guide';
