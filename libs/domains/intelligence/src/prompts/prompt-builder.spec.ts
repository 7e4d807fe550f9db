import { AGENT_ROLES } from '@agent-squad/contracts';
import { PromptBuilder } from './prompt-builder';
import { RolePrompts } from './role-prompts';

const builder = new PromptBuilder(new RolePrompts());
const task = { title: 'Ship it', description: 'Ship the release.' };

describe('PromptBuilder', () => {
  it("uses the role's prompt file unless the member brings its own", () => {
    expect(builder.build({ model: 'offline', role: 'tech_lead', agentName: 'Tia', systemPrompt: null, task, priorOutputs: [] }).system).toContain('You are the tech lead');
    expect(builder.build({ model: 'offline', role: 'tech_lead', agentName: 'Tia', systemPrompt: 'Be terse.', task, priorOutputs: [] }).system).toMatch(/^Be terse\./);
  });

  it('keeps the newest earlier outputs that fit the token budget', () => {
    const big = 'y'.repeat(16_000); // about 4,000 tokens each
    const prompt = builder.build({
      model: 'offline',
      role: 'qa_tester',
      agentName: 'Q',
      systemPrompt: null,
      task,
      priorOutputs: [
        { role: 'project_manager', name: 'Old', content: big },
        { role: 'backend_developer', name: 'New', content: big },
      ],
    });
    expect(prompt.priorOutputs.map((output) => output.name)).toEqual(['New']);
    expect(prompt.user).toContain('## New (backend_developer) wrote');
    expect(prompt.user).not.toContain('## Old');
  });

  it('has a prompt for every role', () => {
    const prompts = new RolePrompts();
    for (const role of AGENT_ROLES) {
      expect(prompts.get(role).prompt.length).toBeGreaterThan(40);
    }
  });
});
