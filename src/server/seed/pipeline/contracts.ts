/** Contracts: 40/30/30 milestones that add up exactly, confirmed by the buyer, signed by the provider. */
import { randomUUID } from 'node:crypto';
import { defaultMilestones, milestoneAmounts } from '../../../domain/contracts.js';
import type { Proposal } from '../../db/schema.js';
import type { PipelineBuilder } from './builder.js';
import type { Schedule } from './dates.js';
import type { AppDraft, AwardRow, CallDraft, ContractRow } from './types.js';

export function addContract(
  b: PipelineBuilder,
  call: CallDraft,
  sched: Schedule,
  award: AwardRow,
  winner: AppDraft,
  signed: boolean,
) {
  const amountFen = award.amountFen;
  const row: ContractRow = {
    id: randomUUID(),
    code: '',
    awardId: award.id,
    callId: call.row.id,
    buyerOrgId: call.buyer.org.id,
    providerOrgId: winner.provider.id,
    amountFen,
    periodStart: call.row.servicePeriodStart as string,
    periodEnd: call.row.servicePeriodEnd as string,
    indicators: (winner.row.proposal as Proposal).indicators,
    milestones: milestoneAmounts(amountFen, defaultMilestones()),
    buyerConfirmedAt: sched.buyerConfirmed,
    providerConfirmedAt: signed ? sched.providerConfirmed : null,
    status: signed ? 'signed' : 'draft',
    signedAt: signed ? sched.providerConfirmed : null,
    version: signed ? 3 : 2,
    createdAt: sched.contractCreated,
    updatedAt: signed ? sched.providerConfirmed : sched.buyerConfirmed,
  };
  b.contractRows.push(row);
  if (signed) {
    call.events.push(() => ({
      callId: call.row.id,
      at: sched.providerConfirmed,
      kind: 'contract.signed',
      title: `合同签订：${winner.title}`,
      detail: {
        contractId: row.id,
        contractCode: row.code,
        projectTitle: winner.title,
        buyerName: call.buyer.org.name,
        providerName: winner.provider.name,
        amountFen,
        periodStart: row.periodStart,
        periodEnd: row.periodEnd,
        milestones: row.milestones.map((m) => ({
          label: m.label,
          shareBp: m.shareBp,
          amountFen: m.amountFen,
        })),
      },
    }));
    call.events.push(() => ({
      callId: call.row.id,
      at: new Date(sched.providerConfirmed.getTime() + 1000),
      kind: 'call.contract',
      title: '合同全部签订（1份）',
      detail: { contracts: 1 },
    }));
  }
  return row;
}
