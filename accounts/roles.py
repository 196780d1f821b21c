"""Role codes. A user has exactly one role; 三员分立 keeps the three admin
roles apart from each other and from business work."""

SYSADMIN = "sysadmin"  # 系统管理员: users, orgs, configuration
SECADMIN = "secadmin"  # 安全管理员: security policy
AUDITADMIN = "auditadmin"  # 审计管理员: reads the audit log, nothing else
OFFICE = "office"  # 依法治办
ASSESSOR = "assessor"  # 考评单位
TARGET = "target"  # 被考评单位
LEADER = "leader"  # 领导干部
EXPERT = "expert"  # 专家

ADMIN_ROLES = (SYSADMIN, SECADMIN, AUDITADMIN)

# code, name, default data scope, description
DEFAULTS = [
    (SYSADMIN, "系统管理员", "all", "管理用户、组织机构和系统配置；不能查看审计日志，不能修改安全策略"),
    (SECADMIN, "安全管理员", "own", "管理密码、锁定、会话与双因素认证等安全策略"),
    (AUDITADMIN, "审计管理员", "own", "只读查看审计日志并校验其完整性"),
    (OFFICE, "依法治办", "all", "设置考评办法、组织考评、抽取专家、裁决申诉、发布结果"),
    (ASSESSOR, "考评单位", "own", "对分配给本单位的指标进行评分、答复申诉"),
    (TARGET, "被考评单位", "subtree", "自评填报、上传佐证、提出申诉、整改问题"),
    (LEADER, "领导干部", "own", "提交述法报告、查看本人档案"),
    (EXPERT, "专家", "own", "评审打分、参加专家组"),
]
