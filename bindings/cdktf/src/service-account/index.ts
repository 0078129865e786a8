// https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ServiceAccountConfig extends cdktf.TerraformMetaArguments {
  /**
  * Free text, up to 1024 characters; empty when not given. Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#description ServiceAccount#description}
  */
  readonly description?: string;
  /**
  * Users (usr_…, at most 32 users) who, like the owner, may change the account, mint keys for it and act on its secrets, within their own role. Only an admin or the owner may change this list. Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#manager_user_ids ServiceAccount#manager_user_ids}
  */
  readonly managerUserIds?: string[];
  /**
  * Unique name of the service account (1 to 128 characters). Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#name ServiceAccount#name}
  */
  readonly name: string;
  /**
  * The user (usr_…) who owns the account: with admins, the only one who may change its owner or managers, or delete it. By default the user whose key creates it (or that key's service account's owner); only an admin may name someone else. Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#owner_user_id ServiceAccount#owner_user_id}
  */
  readonly ownerUserId?: string;
  /**
  * The highest role its keys can act with: "admin", "developer" or "viewer" ("viewer" by default). Changes in place and demotes or promotes its keys at once; the provider's key needs a role at least as high.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#role ServiceAccount#role}
  */
  readonly role?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account keyplane_service_account}
*/
export class ServiceAccount extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyplane_service_account";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ServiceAccount resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ServiceAccount to import
  * @param importFromId The id of the existing ServiceAccount that should be imported. Refer to the {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ServiceAccount to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "keyplane_service_account", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/service_account keyplane_service_account} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ServiceAccountConfig
  */
  public constructor(scope: Construct, id: string, config: ServiceAccountConfig) {
    super(scope, id, {
      terraformResourceType: 'keyplane_service_account',
      terraformGeneratorMetadata: {
        providerName: 'keyplane'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._description = config.description;
    this._managerUserIds = config.managerUserIds;
    this._name = config.name;
    this._ownerUserId = config.ownerUserId;
    this._role = config.role;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // created_by - computed: true, optional: false, required: false
  public get createdBy() {
    return this.getStringAttribute('created_by');
  }

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // manager_user_ids - computed: true, optional: true, required: false
  private _managerUserIds?: string[]; 
  public get managerUserIds() {
    return cdktf.Fn.tolist(this.getListAttribute('manager_user_ids'));
  }
  public set managerUserIds(value: string[]) {
    this._managerUserIds = value;
  }
  public resetManagerUserIds() {
    this._managerUserIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get managerUserIdsInput() {
    return this._managerUserIds;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // owner_user_id - computed: true, optional: true, required: false
  private _ownerUserId?: string; 
  public get ownerUserId() {
    return this.getStringAttribute('owner_user_id');
  }
  public set ownerUserId(value: string) {
    this._ownerUserId = value;
  }
  public resetOwnerUserId() {
    this._ownerUserId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ownerUserIdInput() {
    return this._ownerUserId;
  }

  // role - computed: true, optional: true, required: false
  private _role?: string; 
  public get role() {
    return this.getStringAttribute('role');
  }
  public set role(value: string) {
    this._role = value;
  }
  public resetRole() {
    this._role = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get roleInput() {
    return this._role;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      description: cdktf.stringToTerraform(this._description),
      manager_user_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._managerUserIds),
      name: cdktf.stringToTerraform(this._name),
      owner_user_id: cdktf.stringToTerraform(this._ownerUserId),
      role: cdktf.stringToTerraform(this._role),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      manager_user_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._managerUserIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      owner_user_id: {
        value: cdktf.stringToHclTerraform(this._ownerUserId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      role: {
        value: cdktf.stringToHclTerraform(this._role),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
