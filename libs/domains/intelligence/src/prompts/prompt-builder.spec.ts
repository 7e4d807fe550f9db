import { testCache } from '@agent-squad/cache';
import { AGENT_ROLES } from '@agent-squad/contracts';
import { PromptBuilder } from './prompt-builder';
import { RolePrompts } from './role-prompts';

const task = { title: 'Ship it', description: 'Ship the release.' };

describe('PromptBuilder', () => {
  let prompts: RolePrompts;
  let builder: PromptBuilder;

  beforeAll(async () => {
    prompts = new RolePrompts((await testCache()).cache);
    builder = new PromptBuilder(prompts);
  });

  it("uses the role's prompt file unless the member brings its own", async () => {
    expect((await builder.build({ model: 'offline', role: 'tech_lead', agentName: 'Tia', systemPrompt: null, task, priorOutputs: [] })).system).toContain('You are the tech lead');
    expect((await builder.build({ model: 'offline', role: 'tech_lead', agentName: 'Tia', systemPrompt: 'Be terse.', task, priorOutputs: [] })).system).toMatch(/^Be terse\./);
  });

  it('keeps the newest earlier outputs that fit the token budget', async () => {
    const big = 'y'.repeat(16_000); // about 4,000 tokens each
    const prompt = await builder.build({
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

  it('has a prompt for every role', async () => {
    for (const role of AGENT_ROLES) {
      expect((await prompts.get(role)).prompt.length).toBeGreaterThan(40);
    }
  });
});
