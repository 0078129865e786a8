// https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface EphemeralKeyplaneApiKeyConfig extends cdktn.TerraformEphemeralMetaArguments {
  /**
  * IP allow lists the key is restricted to.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#allow_list_ids EphemeralKeyplaneApiKey#allow_list_ids}
  */
  readonly allowListIds?: string[];
  /**
  * Free text, up to 1024 characters.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#description EphemeralKeyplaneApiKey#description}
  */
  readonly description?: string;
  /**
  * Labels of the key; the provider adds none.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#labels EphemeralKeyplaneApiKey#labels}
  */
  readonly labels?: { [key: string]: string };
  /**
  * Name of the key (shown in listings and the audit log).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#name EphemeralKeyplaneApiKey#name}
  */
  readonly name: string;
  /**
  * Role of the key: "admin", "developer" or "viewer"; by default the highest the provider's key and the owner allow.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#role EphemeralKeyplaneApiKey#role}
  */
  readonly role?: string;
  /**
  * Scopes the key holds.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#scopes EphemeralKeyplaneApiKey#scopes}
  */
  readonly scopes?: string[];
  /**
  * Service account that owns the key; omit for the provider key's own principal.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#service_account_id EphemeralKeyplaneApiKey#service_account_id}
  */
  readonly serviceAccountId?: string;
  /**
  * How long the key lives after it is opened or renewed, such as "15m" (the default) or "1h"; between 1m and 24h. Terraform renews it before it expires while the run still needs it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key#ttl EphemeralKeyplaneApiKey#ttl}
  */
  readonly ttl?: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key keyplane_api_key}
*/
export class EphemeralKeyplaneApiKey extends cdktn.TerraformEphemeralResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyplane_api_key";

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/api_key keyplane_api_key} Ephemeral Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options EphemeralKeyplaneApiKeyConfig
  */
  public constructor(scope: Construct, id: string, config: EphemeralKeyplaneApiKeyConfig) {
    super(scope, id, {
      terraformResourceType: 'keyplane_api_key',
      terraformGeneratorMetadata: {
        providerName: 'keyplane'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach
    });
    this._allowListIds = config.allowListIds;
    this._description = config.description;
    this._labels = config.labels;
    this._name = config.name;
    this._role = config.role;
    this._scopes = config.scopes;
    this._serviceAccountId = config.serviceAccountId;
    this._ttl = config.ttl;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // allow_list_ids - computed: false, optional: true, required: false
  private _allowListIds?: string[]; 
  public get allowListIds() {
    return cdktn.Fn.tolist(this.getListAttribute('allow_list_ids'));
  }
  public set allowListIds(value: string[]) {
    this._allowListIds = value;
  }
  public resetAllowListIds() {
    this._allowListIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get allowListIdsInput() {
    return this._allowListIds;
  }

  // description - computed: false, optional: true, required: false
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

  // expires_at - computed: true, optional: false, required: false
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // labels - computed: false, optional: true, required: false
  private _labels?: { [key: string]: string }; 
  public get labels() {
    return this.getStringMapAttribute('labels');
  }
  public set labels(value: { [key: string]: string }) {
    this._labels = value;
  }
  public resetLabels() {
    this._labels = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get labelsInput() {
    return this._labels;
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

  // role - computed: false, optional: true, required: false
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

  // scopes - computed: false, optional: true, required: false
  private _scopes?: string[]; 
  public get scopes() {
    return cdktn.Fn.tolist(this.getListAttribute('scopes'));
  }
  public set scopes(value: string[]) {
    this._scopes = value;
  }
  public resetScopes() {
    this._scopes = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get scopesInput() {
    return this._scopes;
  }

  // secret - computed: true, optional: false, required: false
  public get secret() {
    return this.getStringAttribute('secret');
  }

  // service_account_id - computed: false, optional: true, required: false
  private _serviceAccountId?: string; 
  public get serviceAccountId() {
    return this.getStringAttribute('service_account_id');
  }
  public set serviceAccountId(value: string) {
    this._serviceAccountId = value;
  }
  public resetServiceAccountId() {
    this._serviceAccountId = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get serviceAccountIdInput() {
    return this._serviceAccountId;
  }

  // ttl - computed: false, optional: true, required: false
  private _ttl?: string; 
  public get ttl() {
    return this.getStringAttribute('ttl');
  }
  public set ttl(value: string) {
    this._ttl = value;
  }
  public resetTtl() {
    this._ttl = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ttlInput() {
    return this._ttl;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      allow_list_ids: cdktn.listMapper(cdktn.stringToTerraform, false)(this._allowListIds),
      description: cdktn.stringToTerraform(this._description),
      labels: cdktn.hashMapper(cdktn.stringToTerraform)(this._labels),
      name: cdktn.stringToTerraform(this._name),
      role: cdktn.stringToTerraform(this._role),
      scopes: cdktn.listMapper(cdktn.stringToTerraform, false)(this._scopes),
      service_account_id: cdktn.stringToTerraform(this._serviceAccountId),
      ttl: cdktn.stringToTerraform(this._ttl),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      allow_list_ids: {
        value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(this._allowListIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      description: {
        value: cdktn.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      labels: {
        value: cdktn.hashMapperHcl(cdktn.stringToHclTerraform)(this._labels),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      role: {
        value: cdktn.stringToHclTerraform(this._role),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      scopes: {
        value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(this._scopes),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      service_account_id: {
        value: cdktn.stringToHclTerraform(this._serviceAccountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ttl: {
        value: cdktn.stringToHclTerraform(this._ttl),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
