// https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktn from 'cdktn';

// Configuration

export interface IpAllowListConfig extends cdktn.TerraformMetaArguments {
  /**
  * IPv4 and IPv6 CIDR blocks (10.0.0.0/8, 2001:db8::/32) or single addresses (203.0.113.7), at most 256. Bits set after a prefix are refused. Another spelling of the same set plans no change. Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list#cidrs IpAllowList#cidrs}
  */
  readonly cidrs: string[];
  /**
  * Free text, up to 1024 characters; empty when not given. Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list#description IpAllowList#description}
  */
  readonly description?: string;
  /**
  * Name of the list (1 to 128 characters). Changes in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list#name IpAllowList#name}
  */
  readonly name: string;
}

/**
* Represents a {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list keyplane_ip_allow_list}
*/
export class IpAllowList extends cdktn.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyplane_ip_allow_list";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTN code for importing a IpAllowList resource upon running "cdktn plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IpAllowList to import
  * @param importFromId The id of the existing IpAllowList that should be imported. Refer to the {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IpAllowList to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktn.TerraformProvider) {
        return new cdktn.ImportableResource(scope, importToId, { terraformResourceType: "keyplane_ip_allow_list", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/ip_allow_list keyplane_ip_allow_list} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IpAllowListConfig
  */
  public constructor(scope: Construct, id: string, config: IpAllowListConfig) {
    super(scope, id, {
      terraformResourceType: 'keyplane_ip_allow_list',
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
    this._cidrs = config.cidrs;
    this._description = config.description;
    this._name = config.name;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // cidrs - computed: false, optional: false, required: true
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktn.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
  }

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

  // least_role_to_change - computed: true, optional: false, required: false
  public get leastRoleToChange() {
    return this.getStringAttribute('least_role_to_change');
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

  // normalised_cidrs - computed: true, optional: false, required: false
  public get normalisedCidrs() {
    return cdktn.Fn.tolist(this.getListAttribute('normalised_cidrs'));
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      cidrs: cdktn.listMapper(cdktn.stringToTerraform, false)(this._cidrs),
      description: cdktn.stringToTerraform(this._description),
      name: cdktn.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      cidrs: {
        value: cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(this._cidrs),
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
      name: {
        value: cdktn.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
