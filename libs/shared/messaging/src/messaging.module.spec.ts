import { Test } from '@nestjs/testing';
import { ConfigModule, DOMAINS, loadConfig } from '@agent-squad/config';
import { ECHO_SERVICE, EchoApi, EchoService } from './testing/echo.service';
import { Bus, LocalBus, MessagingModule, rpcClientProvider } from './index';

describe('MessagingModule (embedded)', () => {
  it('provides a LocalBus, injects contract clients, and closes the bus on shutdown', async () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) }, [...DOMAINS, 'worker', 'gateway']);
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), MessagingModule.forRoot()],
      providers: [rpcClientProvider(ECHO_SERVICE)],
    }).compile();
    const bus = moduleRef.get(Bus);
    expect(bus).toBeInstanceOf(LocalBus);
    await bus.serve(ECHO_SERVICE, new EchoService('embedded'));
    await expect(moduleRef.get(EchoApi).echo({ text: 'hi' })).resolves.toEqual({ text: 'hi', servedBy: 'embedded' });

    const close = jest.spyOn(bus, 'close');
    await moduleRef.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
