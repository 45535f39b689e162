import { useState } from 'react';
import { AdminView } from './admin/AdminView';
import { hasRole, useMe } from './me';
import { DashboardList, DashboardView, ExplorerView, ServiceDashboard } from './metrics';
import { linkClick, navigate, setParams, useLocation } from './router';
import { CompareView } from './trace/CompareView';
import { TraceFileView } from './trace/TraceFileView';
import { TraceView } from './trace/TraceView';
import { UserMenu } from './UserMenu';
import { ContractView } from './views/ContractView';
import './responsive.css';
import { AlertsView } from './views/AlertsView';
import { LogsView } from './views/LogsView';
import { SearchView } from './views/SearchView';
import { ServicesView } from './views/ServicesView';
import { UsersView } from './views/UsersView';

// `need`: the role an entry's page requires; others are not offered it (the server refuses anyway).
const NAV: { href: string; label: string; need?: 'admin' }[] = [
  { href: '/traces', label: 'Traces' },
  { href: '/logs', label: 'Logs' },
  { href: '/services', label: 'Services' },
  { href: '/explore', label: 'Metrics' },
  { href: '/dashboards', label: 'Dashboards' },
  { href: '/users', label: 'End users' },
  { href: '/access', label: 'Admin', need: 'admin' },
  { href: '/contract', label: 'Contract' },
  { href: '/alerts', label: 'Alerts' },
];

export function App() {
  const loc = useLocation();
  const me = useMe();
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  const toggleTheme = () => {
    const t = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = t;
    try {
      localStorage.setItem('tracehouse.theme', t);
    } catch {}
    setTheme(t);
    if (new URLSearchParams(location.search).has('theme')) setParams({ theme: undefined });
  };
  const path = loc.path;
  let view: React.ReactNode;
  const m = /^\/trace\/([^/]+)$/.exec(path);
  if (m) view = <TraceView traceId={decodeURIComponent(m[1]).toLowerCase()} params={loc.params} />;
  else if (path === '/trace-file') view = <TraceFileView params={loc.params} />;
  else if (path === '/access') view = <AdminView />;
  else if (path === '/compare') view = <CompareView params={loc.params} />;
  else if (path === '/logs') view = <LogsView params={loc.params} />;
  else if (path === '/services') view = <ServicesView params={loc.params} />;
  else if (path === '/explore') view = <ExplorerView params={loc.params} />;
  else if (path === '/dashboards') view = <DashboardList />;
  else if (path.startsWith('/dashboards/service/'))
    view = <ServiceDashboard service={decodeURIComponent(path.slice(20))} params={loc.params} />;
  else if (path.startsWith('/dashboards/'))
    view = <DashboardView id={decodeURIComponent(path.slice(12))} params={loc.params} />;
  else if (path === '/alerts') view = <AlertsView />;
  else if (path === '/users') view = <UsersView params={loc.params} />;
  else if (path === '/contract') view = <ContractView params={loc.params} />;
  else if (path === '/traces' || path === '/') view = <SearchView params={loc.params} />;
  else view = <div className="problem">No page at {path}.</div>;
  return (
    <div className="app">
      <header className="top">
        <a className="brand" href="/traces" onClick={linkClick}>
          tracehouse
        </a>
        <nav>
          {NAV.filter((n) => !n.need || hasRole(me, n.need)).map(({ href, label }) => (
            <a
              key={href}
              href={href}
              onClick={linkClick}
              className={
                path.startsWith(href) || (href === '/traces' && (path === '/' || path.startsWith('/trace/')))
                  ? 'active'
                  : ''
              }
            >
              {label}
            </a>
          ))}
          {hasRole(me, 'admin') && (
            // A full page load: /admin/ops is served by the server, not by this app.
            <a href="/admin/ops" data-testid="nav-ops">
              Ops
            </a>
          )}
        </nav>
        <form
          className="goto"
          onSubmit={(e) => {
            e.preventDefault();
            const v = new FormData(e.currentTarget).get('id')?.toString().trim().toLowerCase() ?? '';
            if (/^[0-9a-f]{32}$/.test(v)) navigate(`/trace/${v}`);
          }}
        >
          <input name="id" placeholder="Go to trace id" aria-label="go to trace id" />
        </form>
        <button type="button" className="theme" onClick={toggleTheme} data-testid="theme-toggle" title="theme">
          {theme === 'dark' ? '☀ light' : '☾ dark'}
        </button>
        <UserMenu me={me} />
      </header>
      <main>{view}</main>
    </div>
  );
}
