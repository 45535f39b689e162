// The metrics views: explorer, dashboards (saved and automatic per service).
export { DashboardList, DashboardView } from './DashboardsView';
export { ExplorerView } from './ExplorerView';
export { ServiceDashboard } from './ServiceDashboard';
