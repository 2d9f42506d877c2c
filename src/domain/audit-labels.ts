/**
 * Chinese labels of the audit trail's action ids (`org.created` → 新增单位), for the audit page
 * and the Excel export. An id without a label is shown as it is.
 */

export const auditActionLabels: Record<string, string> = {
  // accounts
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.login_failed': '登录失败',
  'account.locked': '账号锁定',
  'user.created': '新增用户',
  'user.updated': '修改用户',
  'user.registered': '居民注册',
  'user.password_changed': '修改密码',
  'user.password_reset': '重置密码',
  'user.deactivated': '停用用户',
  'user.activated': '启用用户',
  // regions, organizations, experts
  'region.created': '新增区划',
  'region.updated': '修改区划',
  'region.deactivated': '停用区划',
  'region.activated': '启用区划',
  'org.created': '新增单位',
  'org.updated': '修改单位',
  'org.imported': '导入单位',
  'org.deactivated': '停用单位',
  'org.activated': '启用单位',
  'expert.created': '新增专家',
  'expert.updated': '修改专家',
  'expert.imported': '导入专家',
  'expert.deactivated': '停用专家',
  'expert.activated': '启用专家',
  // files
  'attachment.added': '上传附件',
  // annual release plans (年度发布计划)
  'plan.created': '新增计划项目',
  'plan.updated': '修改计划项目',
  'plan.imported': '导入年度计划',
  // policy library
  'policy.created': '新增政策文件',
  'policy.updated': '修改政策文件',
  'policy.imported': '导入政策文件',
  'policy.revise': '政策文件标为已修订',
  'policy.repeal': '废止政策文件',
  // calls (项目征集)
  'call.created': '新建征集',
  'call.updated': '修改征集',
  'call.publish': '发布征集',
  'call.close': '截止征集',
  'call.startReview': '开始评审',
  'call.award': '确定拟立项',
  'call.openPublicity': '开始立项公示',
  'call.closePublicity': '公示结束，立项',
  'call.contract': '合同全部签订',
  'call.cancel': '取消项目',
  'call.fail': '流标',
  // applications (申报)
  'application.created': '新建申报',
  'application.cosign_requested': '请求社区签章',
  'application.cosigned': '社区签章',
  'application.cosign_cleared': '签章失效（内容已修改）',
  'application.duplicates_found': '查重发现相似',
  'application.duplicate_explained': '查重说明',
  'application.submit': '提交申报',
  'application.withdraw': '撤回申报',
  'application.pass': '资格审查通过',
  'application.reject': '资格审查不通过',
  'application.score': '评分完成',
  'application.award': '拟立项',
  'application.notAward': '未入选',
  'application.revoke': '撤销立项',
  // reviews (路演评审)
  'review.panel_drawn': '抽取评审专家',
  'review.accepted': '专家接受评审',
  'review.declined': '专家声明回避',
  'review.replacement_drawn': '补抽评审专家',
  'review.replacement_unavailable': '无专家可补抽',
  'review.scoring_opened': '开始评分',
  'review.sheet_saved': '保存评分表',
  'review.sheet_submitted': '提交评分表',
  'review.completed': '评分完成',
  // publicity (立项公示)
  'objection.filed': '提出异议',
  'objection.answered': '答复异议',
  // contracts (合同)
  'contract.created': '起草合同',
  'contract.updated': '修改合同草稿',
  'contract.confirmed': '确认合同',
  'contract.signed': '合同签订',
  'contract.amended': '合同变更',
  // system
  'system.demo_seeded': '生成演示数据',
};

/** The Chinese label of an audit action id, or the id itself when it has none. */
export function auditActionLabel(id: string): string {
  return auditActionLabels[id] ?? id;
}

/** Chinese names of the audit trail's target types. */
export const auditTargetLabels: Record<string, string> = {
  user: '用户',
  account: '账号',
  auth: '登录',
  org: '单位',
  region: '区划',
  expert: '专家',
  system: '系统',
  call: '项目征集',
  application: '申报',
  attachment: '附件',
  review_session: '评审',
  score_sheet: '评分表',
  objection: '异议',
  publicity: '公示',
  contract: '合同',
  plan_line: '年度计划',
  policy: '政策文件',
};

export function auditTargetLabel(type: string): string {
  return auditTargetLabels[type] ?? type;
}
