export * from './rank';
export * from './select';
