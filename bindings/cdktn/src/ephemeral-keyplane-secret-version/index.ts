// https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/secret_version
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface EphemeralKeyplaneSecretVersionConfig extends cdktn.TerraformEphemeralMetaArguments {
  /**
  * The secret to read (sec_…).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/secret_version#secret_id EphemeralKeyplaneSecretVersion#secret_id}
  */
  readonly secretId: string;
  /**
  * The version to read; the latest when not given. Set to the version read.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/secret_version#version EphemeralKeyplaneSecretVersion#version}
  */
  readonly version?: number;
}

/**
* Represents a {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/secret_version keyplane_secret_version}
*/
export class EphemeralKeyplaneSecretVersion extends cdktn.TerraformEphemeralResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyplane_secret_version";

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/ephemeral-resources/secret_version keyplane_secret_version} Ephemeral Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options EphemeralKeyplaneSecretVersionConfig
  */
  public constructor(scope: Construct, id: string, config: EphemeralKeyplaneSecretVersionConfig) {
    super(scope, id, {
      terraformResourceType: 'keyplane_secret_version',
      terraformGeneratorMetadata: {
        providerName: 'keyplane'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      forEach: config.forEach
    });
    this._secretId = config.secretId;
    this._version = config.version;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // entries - computed: true, optional: false, required: false
  private _entries = new cdktn.StringMap(this, "entries");
  public get entries() {
    return this._entries;
  }

  // entry_keys - computed: true, optional: false, required: false
  public get entryKeys() {
    return this.getListAttribute('entry_keys');
  }

  // secret_id - computed: false, optional: false, required: true
  private _secretId?: string; 
  public get secretId() {
    return this.getStringAttribute('secret_id');
  }
  public set secretId(value: string) {
    this._secretId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get secretIdInput() {
    return this._secretId;
  }

  // version - computed: true, optional: true, required: false
  private _version?: number; 
  public get version() {
    return this.getNumberAttribute('version');
  }
  public set version(value: number) {
    this._version = value;
  }
  public resetVersion() {
    this._version = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get versionInput() {
    return this._version;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      secret_id: cdktn.stringToTerraform(this._secretId),
      version: cdktn.numberToTerraform(this._version),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      secret_id: {
        value: cdktn.stringToHclTerraform(this._secretId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      version: {
        value: cdktn.numberToHclTerraform(this._version),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
