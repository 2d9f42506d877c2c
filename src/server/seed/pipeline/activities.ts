/**
 * 实施动态 of the demo's projects: activities spread over the service period in communities of
 * the call's service area, with participants by target group and volunteers (never residents'
 * names), confirmed a few days later by the community (now and then disputed with a reason);
 * those of the last days still wait for the community.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityType } from '../../../domain/implementation.js';
import { addDays } from '../../../domain/working-days.js';
import type { PipelineBuilder } from './builder.js';
import { daysBetween } from './dates.js';
import type { ProjectCtx, Region } from './types.js';

const TYPES: [ActivityType, number][] = [
  ['visit', 30],
  ['group', 25],
  ['community_event', 20],
  ['case', 15],
  ['training', 10],
];
const PARTICIPANTS: Record<ActivityType, [number, number]> = {
  visit: [1, 6],
  group: [8, 15],
  community_event: [30, 120],
  case: [1, 2],
  training: [10, 25],
  other: [5, 20],
};
const PLACES = ['党群服务中心', '居民活动室', '新时代文明实践站', '社区广场', '社区服务站', '儿童之家'];
const DISPUTES = [
  '活动当天社区未见开展，签到表人数与实际不符',
  '活动地点与登记不符，社区未接到活动报备',
  '登记的参与人数明显多于现场实际人数',
];

function description(type: ActivityType, group: string, theme: string, n: number) {
  switch (type) {
    case 'visit':
      return `入户探访${group}，了解生活照料、健康和安全需求，登记需跟进的事项并转介相关资源。`;
    case 'group':
      return `开展“${theme}”${group}小组活动第${n}节，围绕互助与自我成长进行分享和练习。`;
    case 'community_event':
      return `举办“${theme}”主题社区活动，${group}及家属参与，社区志愿者协助组织。`;
    case 'case':
      return `${group}个案跟进：评估需求、调整服务计划，链接社区和专业资源。`;
    default:
      return `开展志愿者培训，学习服务${group}的沟通技巧、安全须知和服务记录规范。`;
  }
}

/**
 * Activities up to `until` (the service end, or the termination) and before today. The last
 * `waitingInDemoCommunity` are held in the demo community lately and wait for its confirmation.
 */
export function addActivities(
  b: PipelineBuilder,
  ctx: ProjectCtx,
  opts: { until: string; waitingInDemoCommunity: number },
) {
  const r = b.random;
  const end = ctx.call.row.servicePeriodEnd as string;
  const span = Math.max(1, daysBetween(ctx.start, end));
  const count = ctx.detailed ? r.int(8, 14) : r.int(3, 5);
  const groups = ctx.call.row.targetGroups as string[];
  const held: { on: string; community: Region; waiting: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    const on = addDays(ctx.start, Math.round(((i + 0.2 + r.next() * 0.6) / count) * span));
    if (on < b.today && on <= opts.until)
      held.push({ on, community: r.pick(ctx.call.areaCommunities), waiting: false });
  }
  for (let i = 0; i < opts.waitingInDemoCommunity; i++)
    held.push({ on: addDays(b.today, -(2 + 2 * i)), community: b.demo.community, waiting: true });
  let groupSessions = 0;
  for (const a of held) {
    const type = b.weighted(TYPES);
    if (type === 'group') groupSessions++;
    const [lo, hi] = PARTICIPANTS[type];
    const group = r.pick(groups.length ? groups : ['社区居民']);
    const participants = [{ group, count: r.int(lo, hi) }];
    if (type === 'community_event' && groups.length > 1)
      participants.push({ group: r.pick(groups.filter((g) => g !== group)), count: r.int(10, 40) });
    const volunteers = type === 'case' ? 0 : r.int(0, type === 'community_event' ? 15 : 4);
    const checkedOn = addDays(a.on, r.int(1, 6));
    const checked = !a.waiting && checkedOn < b.today;
    const disputed = checked && r.next() < 0.03;
    const committee = a.community.id === b.demo.community.id ? b.demo.userIds.community : null;
    const createdAt = ctx.at(addDays(a.on, r.int(0, 1)), 19);
    const checkedAt = checked ? ctx.at(checkedOn, 10) : null;
    b.activityRows.push({
      id: randomUUID(),
      projectId: ctx.contract.id,
      heldOn: a.on,
      place: type === 'visit' ? `${a.community.name}辖区居民家中` : `${a.community.name}${r.pick(PLACES)}`,
      communityRegionId: a.community.id,
      type,
      participants,
      volunteers,
      volunteerHoursDeci: volunteers * r.int(15, 40),
      description: description(type, group, ctx.call.theme, groupSessions),
      status: disputed ? 'disputed' : checked ? 'confirmed' : 'reported',
      disputeReason: disputed ? r.pick(DISPUTES) : null,
      confirmedBy: checked ? committee : null,
      confirmedAt: checkedAt,
      createdBy: ctx.providerUser,
      version: checked ? 2 : 1,
      createdAt,
      updatedAt: checkedAt ?? createdAt,
    });
    if (!checked && committee)
      b.notify('community', {
        kind: 'activity.recorded',
        title: '活动记录待确认',
        body: `项目“${ctx.title}”登记了${a.on}在${a.community.name}的活动，请确认。`,
        link: '/app/activities/pending',
        createdAt,
      });
  }
}
