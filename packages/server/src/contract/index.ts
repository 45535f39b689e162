export { ContractMonitor, type ContractReport, type ContractViolation } from './monitor';
export { contractRoutes } from './routes';
