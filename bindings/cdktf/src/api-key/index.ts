// https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface ApiKeyConfig extends cdktf.TerraformMetaArguments {
  /**
  * IP allow lists (al_…) the key may be used from; checked at plan. Changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#allow_list_ids ApiKey#allow_list_ids}
  */
  readonly allowListIds?: string[];
  /**
  * Free text. Changed in place; empty when not given.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#description ApiKey#description}
  */
  readonly description?: string;
  /**
  * When the key stops working (RFC 3339, any offset). Compared as an instant, so another spelling of the same time is no change; it must be in the future. Changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#expires_at ApiKey#expires_at}
  */
  readonly expiresAt?: string;
  /**
  * Arbitrary values kept in state only; any change replaces the key (a new key id). To keep the id and change only the secret, use the rotation block.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#keepers ApiKey#keepers}
  */
  readonly keepers?: { [key: string]: string };
  /**
  * Labels of the key (string keys and values), for finding it: the keyplane_api_keys data source and keyplane api-key list filter by them. Changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#labels ApiKey#labels}
  */
  readonly labels?: { [key: string]: string };
  /**
  * Name of the key. Changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#name ApiKey#name}
  */
  readonly name: string;
  /**
  * One OpenPGP public key, ASCII-armored or base64 of the binary key. The service encrypts the secret to it and returns only the encrypted message (encrypted_secret); the plaintext never reaches Terraform. Checked at plan; changing it replaces the key, since the provider cannot re-encrypt a secret it never sees (an imported key adopts it in place: its secret cannot be delivered).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#pgp_key ApiKey#pgp_key}
  */
  readonly pgpKey?: string;
  /**
  * Role of the key: admin, developer or viewer; unset, the owner's role. Changing it replaces the key.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#role ApiKey#role}
  */
  readonly role?: string;
  /**
  * Scopes granted to the key, checked against the scope catalogue at plan. Changed in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#scopes ApiKey#scopes}
  */
  readonly scopes?: string[];
  /**
  * Service account that owns the key; unset, the key belongs to the calling user. Changing it replaces the key.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#service_account_id ApiKey#service_account_id}
  */
  readonly serviceAccountId?: string;
  /**
  * output_to_secret_store block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#output_to_secret_store ApiKey#output_to_secret_store}
  */
  readonly outputToSecretStore?: ApiKeyOutputToSecretStore;
  /**
  * rate_limit block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#rate_limit ApiKey#rate_limit}
  */
  readonly rateLimit?: ApiKeyRateLimit;
  /**
  * rotation block
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#rotation ApiKey#rotation}
  */
  readonly rotation?: ApiKeyRotation;
}
export interface ApiKeyOutputToSecretStore {
  /**
  * Entry of the secret version holding the key. Default "api_key".
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#entry_key ApiKey#entry_key}
  */
  readonly entryKey?: string;
  /**
  * The Keyplane secret (sec_…) to write the key to; the provider key must be allowed to write it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#secret_id ApiKey#secret_id}
  */
  readonly secretId: string;
}

export function apiKeyOutputToSecretStoreToTerraform(struct?: ApiKeyOutputToSecretStore | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    entry_key: cdktf.stringToTerraform(struct!.entryKey),
    secret_id: cdktf.stringToTerraform(struct!.secretId),
  }
}


export function apiKeyOutputToSecretStoreToHclTerraform(struct?: ApiKeyOutputToSecretStore | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    entry_key: {
      value: cdktf.stringToHclTerraform(struct!.entryKey),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    secret_id: {
      value: cdktf.stringToHclTerraform(struct!.secretId),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApiKeyOutputToSecretStoreOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApiKeyOutputToSecretStore | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._entryKey !== undefined) {
      hasAnyValues = true;
      internalValueResult.entryKey = this._entryKey;
    }
    if (this._secretId !== undefined) {
      hasAnyValues = true;
      internalValueResult.secretId = this._secretId;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApiKeyOutputToSecretStore | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._entryKey = undefined;
      this._secretId = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._entryKey = value.entryKey;
      this._secretId = value.secretId;
    }
  }

  // entry_key - computed: true, optional: true, required: false
  private _entryKey?: string; 
  public get entryKey() {
    return this.getStringAttribute('entry_key');
  }
  public set entryKey(value: string) {
    this._entryKey = value;
  }
  public resetEntryKey() {
    this._entryKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get entryKeyInput() {
    return this._entryKey;
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
}
export interface ApiKeyRateLimit {
  /**
  * Uses allowed per window, on each node of the service (1 to 1000000).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#limit ApiKey#limit}
  */
  readonly limit: number;
  /**
  * The window in seconds (1 to 86400, default 60); windows start at whole multiples of it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#window_seconds ApiKey#window_seconds}
  */
  readonly windowSeconds?: number;
}

export function apiKeyRateLimitToTerraform(struct?: ApiKeyRateLimit | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    limit: cdktf.numberToTerraform(struct!.limit),
    window_seconds: cdktf.numberToTerraform(struct!.windowSeconds),
  }
}


export function apiKeyRateLimitToHclTerraform(struct?: ApiKeyRateLimit | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    limit: {
      value: cdktf.numberToHclTerraform(struct!.limit),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
    window_seconds: {
      value: cdktf.numberToHclTerraform(struct!.windowSeconds),
      isBlock: false,
      type: "simple",
      storageClassType: "number",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApiKeyRateLimitOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApiKeyRateLimit | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._limit !== undefined) {
      hasAnyValues = true;
      internalValueResult.limit = this._limit;
    }
    if (this._windowSeconds !== undefined) {
      hasAnyValues = true;
      internalValueResult.windowSeconds = this._windowSeconds;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApiKeyRateLimit | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._limit = undefined;
      this._windowSeconds = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._limit = value.limit;
      this._windowSeconds = value.windowSeconds;
    }
  }

  // limit - computed: false, optional: false, required: true
  private _limit?: number; 
  public get limit() {
    return this.getNumberAttribute('limit');
  }
  public set limit(value: number) {
    this._limit = value;
  }
  // Temporarily expose input value. Use with caution.
  public get limitInput() {
    return this._limit;
  }

  // window_seconds - computed: true, optional: true, required: false
  private _windowSeconds?: number; 
  public get windowSeconds() {
    return this.getNumberAttribute('window_seconds');
  }
  public set windowSeconds(value: number) {
    this._windowSeconds = value;
  }
  public resetWindowSeconds() {
    this._windowSeconds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get windowSecondsInput() {
    return this._windowSeconds;
  }
}
export interface ApiKeyRotation {
  /**
  * How long the previous secret keeps working after a rotation, as "24h", "90m" or "7d" (0 to 168h, default "24h"): consumers have that long to pick up the new one.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#overlap ApiKey#overlap}
  */
  readonly overlap?: string;
  /**
  * Rotate once the current secret is this old (from rotated_at, or created_at before the first rotation), as "720h"; unset, only triggers rotate. The age is judged when a plan or apply refreshes the key, as time_rotating does: a saved plan is applied as planned, and a plan with -refresh=false does not rotate by age.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#rotate_after ApiKey#rotate_after}
  */
  readonly rotateAfter?: string;
  /**
  * Arbitrary values kept in state; any change rotates the key in place (same id, a new secret delivered where this key delivers), unlike keepers, which replace it. Adding or removing the rotation block itself does not rotate. A map known only at apply (built from another resource) plans the secret outputs as unknown, and the apply rotates only if the map then differs.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#triggers ApiKey#triggers}
  */
  readonly triggers?: { [key: string]: string };
}

export function apiKeyRotationToTerraform(struct?: ApiKeyRotation | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    overlap: cdktf.stringToTerraform(struct!.overlap),
    rotate_after: cdktf.stringToTerraform(struct!.rotateAfter),
    triggers: cdktf.hashMapper(cdktf.stringToTerraform)(struct!.triggers),
  }
}


export function apiKeyRotationToHclTerraform(struct?: ApiKeyRotation | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    overlap: {
      value: cdktf.stringToHclTerraform(struct!.overlap),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    rotate_after: {
      value: cdktf.stringToHclTerraform(struct!.rotateAfter),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    triggers: {
      value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(struct!.triggers),
      isBlock: false,
      type: "map",
      storageClassType: "stringMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class ApiKeyRotationOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string) {
    super(terraformResource, terraformAttribute, false);
  }

  public get internalValue(): ApiKeyRotation | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._overlap !== undefined) {
      hasAnyValues = true;
      internalValueResult.overlap = this._overlap;
    }
    if (this._rotateAfter !== undefined) {
      hasAnyValues = true;
      internalValueResult.rotateAfter = this._rotateAfter;
    }
    if (this._triggers !== undefined) {
      hasAnyValues = true;
      internalValueResult.triggers = this._triggers;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: ApiKeyRotation | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._overlap = undefined;
      this._rotateAfter = undefined;
      this._triggers = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._overlap = value.overlap;
      this._rotateAfter = value.rotateAfter;
      this._triggers = value.triggers;
    }
  }

  // overlap - computed: true, optional: true, required: false
  private _overlap?: string; 
  public get overlap() {
    return this.getStringAttribute('overlap');
  }
  public set overlap(value: string) {
    this._overlap = value;
  }
  public resetOverlap() {
    this._overlap = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get overlapInput() {
    return this._overlap;
  }

  // rotate_after - computed: false, optional: true, required: false
  private _rotateAfter?: string; 
  public get rotateAfter() {
    return this.getStringAttribute('rotate_after');
  }
  public set rotateAfter(value: string) {
    this._rotateAfter = value;
  }
  public resetRotateAfter() {
    this._rotateAfter = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rotateAfterInput() {
    return this._rotateAfter;
  }

  // triggers - computed: false, optional: true, required: false
  private _triggers?: { [key: string]: string }; 
  public get triggers() {
    return this.getStringMapAttribute('triggers');
  }
  public set triggers(value: { [key: string]: string }) {
    this._triggers = value;
  }
  public resetTriggers() {
    this._triggers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get triggersInput() {
    return this._triggers;
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key keyplane_api_key}
*/
export class ApiKey extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "keyplane_api_key";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a ApiKey resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the ApiKey to import
  * @param importFromId The id of the existing ApiKey that should be imported. Refer to the {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the ApiKey to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "keyplane_api_key", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/keyplane/keyplane/latest/docs/resources/api_key keyplane_api_key} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options ApiKeyConfig
  */
  public constructor(scope: Construct, id: string, config: ApiKeyConfig) {
    super(scope, id, {
      terraformResourceType: 'keyplane_api_key',
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
    this._allowListIds = config.allowListIds;
    this._description = config.description;
    this._expiresAt = config.expiresAt;
    this._keepers = config.keepers;
    this._labels = config.labels;
    this._name = config.name;
    this._pgpKey = config.pgpKey;
    this._role = config.role;
    this._scopes = config.scopes;
    this._serviceAccountId = config.serviceAccountId;
    this._outputToSecretStore.internalValue = config.outputToSecretStore;
    this._rateLimit.internalValue = config.rateLimit;
    this._rotation.internalValue = config.rotation;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // allow_list_ids - computed: true, optional: true, required: false
  private _allowListIds?: string[]; 
  public get allowListIds() {
    return cdktf.Fn.tolist(this.getListAttribute('allow_list_ids'));
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

  // display_prefix - computed: true, optional: false, required: false
  public get displayPrefix() {
    return this.getStringAttribute('display_prefix');
  }

  // encrypted_secret - computed: true, optional: false, required: false
  public get encryptedSecret() {
    return this.getStringAttribute('encrypted_secret');
  }

  // expires_at - computed: false, optional: true, required: false
  private _expiresAt?: string; 
  public get expiresAt() {
    return this.getStringAttribute('expires_at');
  }
  public set expiresAt(value: string) {
    this._expiresAt = value;
  }
  public resetExpiresAt() {
    this._expiresAt = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get expiresAtInput() {
    return this._expiresAt;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // keepers - computed: false, optional: true, required: false
  private _keepers?: { [key: string]: string }; 
  public get keepers() {
    return this.getStringMapAttribute('keepers');
  }
  public set keepers(value: { [key: string]: string }) {
    this._keepers = value;
  }
  public resetKeepers() {
    this._keepers = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get keepersInput() {
    return this._keepers;
  }

  // key_fingerprint - computed: true, optional: false, required: false
  public get keyFingerprint() {
    return this.getStringAttribute('key_fingerprint');
  }

  // labels - computed: true, optional: true, required: false
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

  // pgp_key - computed: false, optional: true, required: false
  private _pgpKey?: string; 
  public get pgpKey() {
    return this.getStringAttribute('pgp_key');
  }
  public set pgpKey(value: string) {
    this._pgpKey = value;
  }
  public resetPgpKey() {
    this._pgpKey = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get pgpKeyInput() {
    return this._pgpKey;
  }

  // previous_secret_expires_at - computed: true, optional: false, required: false
  public get previousSecretExpiresAt() {
    return this.getStringAttribute('previous_secret_expires_at');
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

  // rotated_at - computed: true, optional: false, required: false
  public get rotatedAt() {
    return this.getStringAttribute('rotated_at');
  }

  // scopes - computed: true, optional: true, required: false
  private _scopes?: string[]; 
  public get scopes() {
    return cdktf.Fn.tolist(this.getListAttribute('scopes'));
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

  // secret_store_version_id - computed: true, optional: false, required: false
  public get secretStoreVersionId() {
    return this.getStringAttribute('secret_store_version_id');
  }

  // secret_version - computed: true, optional: false, required: false
  public get secretVersion() {
    return this.getNumberAttribute('secret_version');
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

  // status - computed: true, optional: false, required: false
  public get status() {
    return this.getStringAttribute('status');
  }

  // output_to_secret_store - computed: false, optional: true, required: false
  private _outputToSecretStore = new ApiKeyOutputToSecretStoreOutputReference(this, "output_to_secret_store");
  public get outputToSecretStore() {
    return this._outputToSecretStore;
  }
  public putOutputToSecretStore(value: ApiKeyOutputToSecretStore) {
    this._outputToSecretStore.internalValue = value;
  }
  public resetOutputToSecretStore() {
    this._outputToSecretStore.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get outputToSecretStoreInput() {
    return this._outputToSecretStore.internalValue;
  }

  // rate_limit - computed: false, optional: true, required: false
  private _rateLimit = new ApiKeyRateLimitOutputReference(this, "rate_limit");
  public get rateLimit() {
    return this._rateLimit;
  }
  public putRateLimit(value: ApiKeyRateLimit) {
    this._rateLimit.internalValue = value;
  }
  public resetRateLimit() {
    this._rateLimit.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rateLimitInput() {
    return this._rateLimit.internalValue;
  }

  // rotation - computed: false, optional: true, required: false
  private _rotation = new ApiKeyRotationOutputReference(this, "rotation");
  public get rotation() {
    return this._rotation;
  }
  public putRotation(value: ApiKeyRotation) {
    this._rotation.internalValue = value;
  }
  public resetRotation() {
    this._rotation.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get rotationInput() {
    return this._rotation.internalValue;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      allow_list_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._allowListIds),
      description: cdktf.stringToTerraform(this._description),
      expires_at: cdktf.stringToTerraform(this._expiresAt),
      keepers: cdktf.hashMapper(cdktf.stringToTerraform)(this._keepers),
      labels: cdktf.hashMapper(cdktf.stringToTerraform)(this._labels),
      name: cdktf.stringToTerraform(this._name),
      pgp_key: cdktf.stringToTerraform(this._pgpKey),
      role: cdktf.stringToTerraform(this._role),
      scopes: cdktf.listMapper(cdktf.stringToTerraform, false)(this._scopes),
      service_account_id: cdktf.stringToTerraform(this._serviceAccountId),
      output_to_secret_store: apiKeyOutputToSecretStoreToTerraform(this._outputToSecretStore.internalValue),
      rate_limit: apiKeyRateLimitToTerraform(this._rateLimit.internalValue),
      rotation: apiKeyRotationToTerraform(this._rotation.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      allow_list_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._allowListIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      expires_at: {
        value: cdktf.stringToHclTerraform(this._expiresAt),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      keepers: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._keepers),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      labels: {
        value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._labels),
        isBlock: false,
        type: "map",
        storageClassType: "stringMap",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      pgp_key: {
        value: cdktf.stringToHclTerraform(this._pgpKey),
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
      scopes: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._scopes),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      service_account_id: {
        value: cdktf.stringToHclTerraform(this._serviceAccountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      output_to_secret_store: {
        value: apiKeyOutputToSecretStoreToHclTerraform(this._outputToSecretStore.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ApiKeyOutputToSecretStore",
      },
      rate_limit: {
        value: apiKeyRateLimitToHclTerraform(this._rateLimit.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ApiKeyRateLimit",
      },
      rotation: {
        value: apiKeyRotationToHclTerraform(this._rotation.internalValue),
        isBlock: true,
        type: "struct",
        storageClassType: "ApiKeyRotation",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
