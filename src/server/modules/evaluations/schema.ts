import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { GradeBands, IndicatorScore, TemplateDimension } from '../../../domain/evaluations.js';
import { idColumn, timestamps, versionColumn } from '../../db/columns.js';
import { orgs } from '../orgs/schema.js';
import { projects } from '../projects/schema.js';
import { publicities } from '../publicity/schema.js';

/** 评估指标体系: kept by administrators; an evaluation copies the one it is commissioned with. */
export const evaluationTemplates = pgTable('evaluation_templates', {
  id: idColumn(),
  name: text('name').notNull(),
  dimensions: jsonb('dimensions').$type<TemplateDimension[]>().notNull(),
  bands: jsonb('bands').$type<GradeBands>().notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  version: versionColumn(),
  ...timestamps(),
});

/** A mid-term or final evaluation of a project, by the evaluation organization the buyer commissioned. */
export const evaluations = pgTable(
  'evaluations',
  {
    id: idColumn(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    stage: text('stage', { enum: ['midterm', 'final'] }).notNull(),
    evaluatorOrgId: uuid('evaluator_org_id')
      .notNull()
      .references(() => orgs.id),
    dueOn: date('due_on').notNull(),
    templateId: uuid('template_id').references(() => evaluationTemplates.id),
    templateName: text('template_name').notNull(),
    dimensions: jsonb('dimensions').$type<TemplateDimension[]>().notNull(),
    bands: jsonb('bands').$type<GradeBands>().notNull(),
    scores: jsonb('scores').$type<IndicatorScore[]>().notNull().default([]),
    /** Tenths of a point, set on submission. */
    totalDeci: integer('total_deci'),
    grade: text('grade', { enum: ['excellent', 'good', 'pass', 'fail'] }),
    reportSummary: text('report_summary'),
    returnReason: text('return_reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** The results publicity (final evaluations): a row of the approval publicity's table. */
    publicityId: uuid('publicity_id').references(() => publicities.id),
    status: text('status', { enum: ['commissioned', 'submitted', 'returned', 'accepted', 'final'] })
      .notNull()
      .default('commissioned'),
    createdBy: uuid('created_by'),
    version: versionColumn(),
    ...timestamps(),
  },
  (t) => [
    index('evaluations_project_idx').on(t.projectId),
    index('evaluations_evaluator_idx').on(t.evaluatorOrgId),
  ],
);
