/** The agent roles a squad member can take; the order of members is the order they work in. */
export const AGENT_ROLES = [
  'project_manager',
  'tech_lead',
  'solution_architect',
  'backend_developer',
  'frontend_developer',
  'qa_tester',
  'devops_engineer',
  'designer',
  'data_engineer',
] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
