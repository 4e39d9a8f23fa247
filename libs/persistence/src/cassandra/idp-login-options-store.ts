import type { IdpId } from '@sso/domain';
import type { IdpLoginOptions, IdpLoginOptionsStore, IdpSsoBinding } from '../ports/idp-login-options-store';
import type { CassandraDb } from './db';

export class CassandraIdpLoginOptionsStore implements IdpLoginOptionsStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async get(idp: IdpId): Promise<IdpLoginOptions> {
    const rs = await this.db.execute(
      'idp_login_options.get',
      `SELECT idp_initiated, sso_binding, single_logout FROM ${this.ks}.idp_login_options WHERE idp = ?`,
      [idp],
      {
        idempotent: true,
      },
    );
    const row = rs.first();
    return {
      idpInitiated: row?.idp_initiated === true,
      ssoBinding: row?.sso_binding === 'HTTP-Redirect' ? 'HTTP-Redirect' : 'HTTP-POST',
      singleLogout: row?.single_logout === true,
    };
  }

  async setIdpInitiated(idp: IdpId, allowed: boolean): Promise<void> {
    await this.db.execute(
      'idp_login_options.set_idp_initiated',
      `UPDATE ${this.ks}.idp_login_options SET idp_initiated = ? WHERE idp = ?`,
      [allowed, idp],
      {
        idempotent: true,
      },
    );
  }

  async setSingleLogout(idp: IdpId, on: boolean): Promise<void> {
    await this.db.execute(
      'idp_login_options.set_single_logout',
      `UPDATE ${this.ks}.idp_login_options SET single_logout = ? WHERE idp = ?`,
      [on, idp],
      { idempotent: true },
    );
  }

  async setSsoBinding(idp: IdpId, binding: IdpSsoBinding): Promise<void> {
    const value = binding === 'HTTP-Redirect' ? binding : null;
    await this.db.execute(
      'idp_login_options.set_sso_binding',
      `UPDATE ${this.ks}.idp_login_options SET sso_binding = ? WHERE idp = ?`,
      [value, idp],
      {
        idempotent: true,
      },
    );
  }

  async delete(idp: IdpId): Promise<void> {
    await this.db.execute('idp_login_options.delete', `DELETE FROM ${this.ks}.idp_login_options WHERE idp = ?`, [idp], {
      idempotent: true,
    });
  }
}
