/** The public site's footer: the hosting body, its contact and the ICP filing number, as configured. */
import { useQuery } from '@tanstack/react-query';
import type { SiteInfo } from '../../../domain/stats';
import { api } from '../../api';

export function useSite() {
  return useQuery({
    queryKey: ['site'],
    queryFn: ({ signal }) => api.get<SiteInfo>('/api/site', undefined, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function Footer() {
  const site = useSite().data;
  return (
    <div className="site-footer" data-testid="site-footer">
      <div>社会工作服务项目管理平台 · 政府购买社会工作服务，全程公开，接受社会监督</div>
      {site ? (
        <div>
          主办单位：{site.hostBody}
          {site.contact ? <span> · 联系方式：{site.contact}</span> : null}
          {site.icp ? (
            <span>
              {' · '}
              <a href="https://beian.miit.gov.cn/" target="_blank" rel="noreferrer noopener">
                {site.icp}
              </a>
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
