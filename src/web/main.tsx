import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError, onUnauthenticated } from './api';
import { PageSpinner } from './components/PageSpinner';
import { PublicLayout } from './components/PublicLayout';
import { HomePage } from './pages/public/HomePage';
import { markSessionExpired, SESSION_KEY, type SessionData } from './session';
import './styles.css';

// Only the public layout and the home page load up front: every other page, the signed-in
// application's layout among them, is fetched when first opened (and the libraries that only
// they use, dates, tables and forms, with them).
const WithAntApp = lazy(() => import('./components/AntAppOutlet'));
const AppLayout = lazy(() => import('./components/AppLayout').then((m) => ({ default: m.AppLayout })));
const NotFound = lazy(() => import('./components/ErrorPages').then((m) => ({ default: m.NotFound })));
const LoginPage = lazy(() => import('./pages/auth/LoginPage').then((m) => ({ default: m.LoginPage })));
const DashboardPage = lazy(() =>
  import('./pages/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })),
);
const ChangePasswordPage = lazy(() =>
  import('./pages/account/ChangePasswordPage').then((m) => ({ default: m.ChangePasswordPage })),
);

const TransparencyPage = lazy(() =>
  import('./pages/public/TransparencyPage').then((m) => ({ default: m.TransparencyPage })),
);
const OpenDataPage = lazy(() =>
  import('./pages/public/OpenDataPage').then((m) => ({ default: m.OpenDataPage })),
);
const RegionsPage = lazy(() =>
  import('./pages/regions/RegionsPage').then((m) => ({ default: m.RegionsPage })),
);
const OrgsPage = lazy(() => import('./pages/orgs/OrgsPage').then((m) => ({ default: m.OrgsPage })));
const ExpertsPage = lazy(() =>
  import('./pages/experts/ExpertsPage').then((m) => ({ default: m.ExpertsPage })),
);
const UsersPage = lazy(() => import('./pages/users/UsersPage').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/audit/AuditPage').then((m) => ({ default: m.AuditPage })));
const SupervisionPage = lazy(() =>
  import('./pages/supervision/SupervisionPage').then((m) => ({ default: m.SupervisionPage })),
);
const SupervisionProjectPage = lazy(() =>
  import('./pages/supervision/SupervisionProjectPage').then((m) => ({ default: m.SupervisionProjectPage })),
);
const InspectionsPage = lazy(() =>
  import('./pages/supervision/InspectionsPage').then((m) => ({ default: m.InspectionsPage })),
);
const PublicCallsPage = lazy(() =>
  import('./pages/public/PublicCallsPage').then((m) => ({ default: m.PublicCallsPage })),
);
const PublicCallDetailPage = lazy(() =>
  import('./pages/public/PublicCallDetailPage').then((m) => ({ default: m.PublicCallDetailPage })),
);
const PublicityListPage = lazy(() =>
  import('./pages/public/PublicityListPage').then((m) => ({ default: m.PublicityListPage })),
);
const PublicityDetailPage = lazy(() =>
  import('./pages/public/PublicityDetailPage').then((m) => ({ default: m.PublicityDetailPage })),
);
const CallsPage = lazy(() => import('./pages/calls/CallsPage').then((m) => ({ default: m.CallsPage })));
const CallEditorPage = lazy(() =>
  import('./pages/calls/CallEditorPage').then((m) => ({ default: m.CallEditorPage })),
);
const CallManagePage = lazy(() =>
  import('./pages/calls/CallManagePage').then((m) => ({ default: m.CallManagePage })),
);
const OpenCallsPage = lazy(() =>
  import('./pages/applications/OpenCallsPage').then((m) => ({ default: m.OpenCallsPage })),
);
const OpenCallPage = lazy(() =>
  import('./pages/applications/OpenCallsPage').then((m) => ({ default: m.OpenCallPage })),
);
const ApplicationsPage = lazy(() =>
  import('./pages/applications/ApplicationsPage').then((m) => ({ default: m.ApplicationsPage })),
);
const ApplicationPage = lazy(() =>
  import('./pages/applications/ApplicationPage').then((m) => ({ default: m.ApplicationPage })),
);
const MyReviewsPage = lazy(() =>
  import('./pages/reviews/MyReviewsPage').then((m) => ({ default: m.MyReviewsPage })),
);
const ScoringPage = lazy(() =>
  import('./pages/reviews/ScoringPage').then((m) => ({ default: m.ScoringPage })),
);
const ContractsPage = lazy(() =>
  import('./pages/contracts/ContractsPage').then((m) => ({ default: m.ContractsPage })),
);
const ContractPage = lazy(() =>
  import('./pages/contracts/ContractPage').then((m) => ({ default: m.ContractPage })),
);
const ProjectsPage = lazy(() =>
  import('./pages/projects/ProjectsPage').then((m) => ({ default: m.ProjectsPage })),
);
const ProjectPage = lazy(() =>
  import('./pages/projects/ProjectPage').then((m) => ({ default: m.ProjectPage })),
);
const MyEvaluationsPage = lazy(() =>
  import('./pages/evaluations/MyEvaluationsPage').then((m) => ({ default: m.MyEvaluationsPage })),
);
const EvaluationScoringPage = lazy(() =>
  import('./pages/evaluations/EvaluationScoringPage').then((m) => ({ default: m.EvaluationScoringPage })),
);
const TemplatesPage = lazy(() =>
  import('./pages/templates/TemplatesPage').then((m) => ({ default: m.TemplatesPage })),
);
const ActivitiesPublicPage = lazy(() =>
  import('./pages/projects/ActivitiesPublicPage').then((m) => ({ default: m.ActivitiesPublicPage })),
);
const PendingActivitiesPage = lazy(() =>
  import('./pages/community/PendingActivitiesPage').then((m) => ({ default: m.PendingActivitiesPage })),
);
const CalendarPage = lazy(() =>
  import('./pages/calendar/CalendarPage').then((m) => ({ default: m.CalendarPage })),
);
const CreditPage = lazy(() => import('./pages/credit/CreditPage').then((m) => ({ default: m.CreditPage })));
const CreditEntryPage = lazy(() =>
  import('./pages/credit/CreditEntryPage').then((m) => ({ default: m.CreditEntryPage })),
);
const CreditListPage = lazy(() =>
  import('./pages/public/CreditListPage').then((m) => ({ default: m.CreditListPage })),
);
const OrgProfilePage = lazy(() =>
  import('./pages/public/OrgProfilePage').then((m) => ({ default: m.OrgProfilePage })),
);
const PlansPage = lazy(() => import('./pages/public/PlansPage').then((m) => ({ default: m.PlansPage })));
const PoliciesPage = lazy(() =>
  import('./pages/public/PoliciesPage').then((m) => ({ default: m.PoliciesPage })),
);
const PolicyDetailPage = lazy(() =>
  import('./pages/public/PolicyDetailPage').then((m) => ({ default: m.PolicyDetailPage })),
);
const PoliciesAdminPage = lazy(() =>
  import('./pages/policies/PoliciesAdminPage').then((m) => ({ default: m.PoliciesAdminPage })),
);
const PublicityRedirect = lazy(() =>
  import('./pages/publicity/PublicityRedirect').then((m) => ({ default: m.PublicityRedirect })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors will not get better by retrying; network blips might.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

// The session ended (idle timeout, logout elsewhere): forget the user; AppLayout sends them to /login.
onUnauthenticated(() => {
  if (!window.location.pathname.startsWith('/app')) return;
  markSessionExpired();
  queryClient.setQueryData<SessionData>(SESSION_KEY, { user: null });
});

const theme = {
  components: {
    Menu: { itemSelectedBg: '#e8effb', itemSelectedColor: '#1d4fa3' },
  },
  token: {
    // 政务蓝 for controls; red stays the brand accent (logo) so that focus never looks like an error.
    colorPrimary: '#1d4fa3',
    colorLink: '#1d4fa3',
    borderRadius: 6,
    // Motion off for people who ask their system for less of it (WCAG 2.3.3).
    motion: !window.matchMedia('(prefers-reduced-motion: reduce)').matches,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  },
};

function Root() {
  return (
    <StrictMode>
      <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Routes>
              <Route element={<PublicLayout />}>
                <Route index element={<HomePage />} />
                <Route element={<WithAntApp />}>
                  <Route path="login" element={<LoginPage />} />
                  <Route path="calls" element={<PublicCallsPage />} />
                  <Route path="calls/:id" element={<PublicCallDetailPage />} />
                  <Route path="publicity" element={<PublicityListPage />} />
                  <Route path="publicity/:id" element={<PublicityDetailPage />} />
                  <Route path="plans" element={<PlansPage />} />
                  <Route path="policies" element={<PoliciesPage />} />
                  <Route path="policies/:id" element={<PolicyDetailPage />} />
                  <Route path="transparency" element={<TransparencyPage />} />
                  <Route path="open-data" element={<OpenDataPage />} />
                  <Route path="credit" element={<CreditListPage />} />
                  <Route path="orgs/:id" element={<OrgProfilePage />} />
                  <Route path="projects/:id" element={<ActivitiesPublicPage />} />
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Route>
              <Route
                element={
                  <Suspense fallback={<PageSpinner />}>
                    <WithAntApp />
                  </Suspense>
                }
              >
                <Route
                  path="app"
                  element={
                    <Suspense fallback={<PageSpinner />}>
                      <AppLayout />
                    </Suspense>
                  }
                >
                  <Route index element={<DashboardPage />} />
                  <Route path="calls" element={<CallsPage />} />
                  <Route path="calls/new" element={<CallEditorPage />} />
                  <Route path="calls/:id/edit" element={<CallEditorPage />} />
                  <Route path="calls/:id/:tab?" element={<CallManagePage />} />
                  <Route path="open-calls" element={<OpenCallsPage />} />
                  <Route path="open-calls/:id" element={<OpenCallPage />} />
                  <Route path="applications" element={<ApplicationsPage />} />
                  <Route path="applications/:id" element={<ApplicationPage />} />
                  <Route path="reviews" element={<MyReviewsPage />} />
                  <Route path="reviews/:sessionId" element={<ScoringPage />} />
                  <Route path="contracts" element={<ContractsPage />} />
                  <Route path="contracts/:id" element={<ContractPage />} />
                  <Route path="projects" element={<ProjectsPage />} />
                  <Route path="projects/:id" element={<ProjectPage />} />
                  <Route path="activities/pending" element={<PendingActivitiesPage />} />
                  <Route path="evaluations" element={<MyEvaluationsPage />} />
                  <Route path="evaluations/:id" element={<EvaluationScoringPage />} />
                  <Route path="templates" element={<TemplatesPage />} />
                  <Route path="credit" element={<CreditPage />} />
                  <Route path="credit/entries/:id" element={<CreditEntryPage />} />
                  <Route path="calendar" element={<CalendarPage />} />
                  <Route path="policies" element={<PoliciesAdminPage />} />
                  <Route path="publicities/:id" element={<PublicityRedirect />} />
                  <Route path="regions" element={<RegionsPage />} />
                  <Route path="orgs" element={<OrgsPage />} />
                  <Route path="experts" element={<ExpertsPage />} />
                  <Route path="users" element={<UsersPage />} />
                  <Route path="audit" element={<AuditPage />} />
                  <Route path="supervision" element={<SupervisionPage />} />
                  <Route path="supervision/projects/:id" element={<SupervisionProjectPage />} />
                  <Route path="inspections" element={<InspectionsPage />} />
                  <Route path="account/password" element={<ChangePasswordPage />} />
                  <Route path="*" element={<NotFound home="/app" />} />
                </Route>
              </Route>
            </Routes>
          </BrowserRouter>
        </QueryClientProvider>
      </ConfigProvider>
    </StrictMode>
  );
}

createRoot(document.getElementById('root')!).render(<Root />);
