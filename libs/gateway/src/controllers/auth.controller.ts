import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthApi, loginSchema, signupSchema, type AuthResult, type LoginInput, type SignupInput, type User } from '@agent-squad/contracts';
import { LeanRead, Public, ZodBody } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';
import { TokenService } from '../auth/token.service';

@ApiTags('auth')
@Controller('v1')
export class AuthController {
  constructor(
    private readonly auth: AuthApi,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('auth/signup')
  @ApiOperation({ summary: 'Create an account (plan free) and get an access token' })
  async signup(@ZodBody(signupSchema) body: SignupInput): Promise<AuthResult> {
    const user = await this.auth.signup(body);
    return { user, accessToken: this.tokens.issue(user.id) };
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  async login(@ZodBody(loginSchema) body: LoginInput): Promise<AuthResult> {
    const user = await this.auth.verifyCredentials(body);
    return { user, accessToken: this.tokens.issue(user.id) };
  }

  @Get('me')
  @LeanRead()
  @ApiOperation({ summary: 'The authenticated user' })
  me(@CurrentUser() userId: string): Promise<User> {
    return this.auth.getUser({ userId });
  }
}
