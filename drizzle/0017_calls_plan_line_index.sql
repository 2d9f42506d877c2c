-- The public annual plan counts each plan line's calls (plans/service.ts): without an index on
-- calls.plan_line_id that is a scan of every call per plan line (seconds at 100,000 calls).
CREATE INDEX "calls_plan_line_idx" ON "calls" USING btree ("plan_line_id") WHERE "plan_line_id" IS NOT NULL;
