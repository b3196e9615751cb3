export * from './batch-header';
