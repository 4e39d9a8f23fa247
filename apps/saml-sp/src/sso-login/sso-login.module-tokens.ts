/** IdP discovery by email for the enterprise-login page (an `IdpDiscovery` over the app's stores). */
export const IDP_DISCOVERY = Symbol('IDP_DISCOVERY');
