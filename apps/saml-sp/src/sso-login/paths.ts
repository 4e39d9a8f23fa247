import { LOGIN_RESULT_PATH } from '@sso/saml';

/** The enterprise-login page; its result page is where the ACS sends logins started here. */
export const LOGIN_PATH = '/sso/login';
export { LOGIN_RESULT_PATH };
