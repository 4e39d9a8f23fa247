import type { IdpId } from '@sso/domain';
import type { IdpLoginOptionsStore, IdpSsoBinding } from '../ports/idp-login-options-store';
import type { CassandraDb } from './db';

export class CassandraIdpLoginOptionsStore implements IdpLoginOptionsStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async allowsIdpInitiated(idp: IdpId): Promise<boolean> {
    const rs = await this.db.execute('idp_login_options.get', `SELECT idp_initiated FROM ${this.ks}.idp_login_options WHERE idp = ?`, [idp], {
      idempotent: true,
    });
    return rs.first()?.idp_initiated === true;
  }

  async setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    await this.db.execute('idp_login_options.set_idp_initiated', `UPDATE ${this.ks}.idp_login_options SET idp_initiated = ? WHERE idp = ?`, [allowed, idp], {
      idempotent: true,
    });
  }

  async ssoBinding(idp: IdpId): Promise<IdpSsoBinding> {
    const rs = await this.db.execute('idp_login_options.get_sso_binding', `SELECT sso_binding FROM ${this.ks}.idp_login_options WHERE idp = ?`, [idp], {
      idempotent: true,
    });
    return rs.first()?.sso_binding === 'HTTP-Redirect' ? 'HTTP-Redirect' : 'HTTP-POST';
  }

  async setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    const value = binding === 'HTTP-Redirect' ? binding : null;
    await this.db.execute('idp_login_options.set_sso_binding', `UPDATE ${this.ks}.idp_login_options SET sso_binding = ? WHERE idp = ?`, [value, idp], {
      idempotent: true,
    });
  }

  async delete(idp: IdpId): Promise<void> {
    await this.db.execute('idp_login_options.delete', `DELETE FROM ${this.ks}.idp_login_options WHERE idp = ?`, [idp], { idempotent: true });
  }
}
