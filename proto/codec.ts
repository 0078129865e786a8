// @ts-nocheck
// Made by scripts/proto-descriptor.js (pbjs, protobufjs-cli) from proto/*.proto: do not edit.
"use strict";

var $protobuf = require("protobufjs/minimal");

var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.tfplugin6 = (function() {

    var tfplugin6 = {};

    tfplugin6.DynamicValue = (function() {

        function DynamicValue(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        DynamicValue.prototype.msgpack = $util.newBuffer([]);
        DynamicValue.prototype.json = $util.newBuffer([]);

        DynamicValue.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.msgpack != null && Object.hasOwnProperty.call(message, "msgpack"))
                writer.uint32(10).bytes(message.msgpack);
            if (message.json != null && Object.hasOwnProperty.call(message, "json"))
                writer.uint32(18).bytes(message.json);
            return writer;
        };

        DynamicValue.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.DynamicValue();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.msgpack = reader.bytes();
                        break;
                    }
                case 2: {
                        message.json = reader.bytes();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        DynamicValue.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.DynamicValue)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.DynamicValue: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.DynamicValue();
            if (object.msgpack != null)
                if (typeof object.msgpack === "string")
                    $util.base64.decode(object.msgpack, message.msgpack = $util.newBuffer($util.base64.length(object.msgpack)), 0);
                else if (object.msgpack.length >= 0)
                    message.msgpack = object.msgpack;
            if (object.json != null)
                if (typeof object.json === "string")
                    $util.base64.decode(object.json, message.json = $util.newBuffer($util.base64.length(object.json)), 0);
                else if (object.json.length >= 0)
                    message.json = object.json;
            return message;
        };

        DynamicValue.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if (options.bytes === String)
                    object.msgpack = "";
                else {
                    object.msgpack = [];
                    if (options.bytes !== Array)
                        object.msgpack = $util.newBuffer(object.msgpack);
                }
                if (options.bytes === String)
                    object.json = "";
                else {
                    object.json = [];
                    if (options.bytes !== Array)
                        object.json = $util.newBuffer(object.json);
                }
            }
            if (message.msgpack != null && Object.hasOwnProperty.call(message, "msgpack"))
                object.msgpack = options.bytes === String ? $util.base64.encode(message.msgpack, 0, message.msgpack.length) : options.bytes === Array ? Array.prototype.slice.call(message.msgpack) : message.msgpack;
            if (message.json != null && Object.hasOwnProperty.call(message, "json"))
                object.json = options.bytes === String ? $util.base64.encode(message.json, 0, message.json.length) : options.bytes === Array ? Array.prototype.slice.call(message.json) : message.json;
            return object;
        };

        DynamicValue.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return DynamicValue;
    })();

    tfplugin6.Diagnostic = (function() {

        function Diagnostic(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Diagnostic.prototype.severity = 0;
        Diagnostic.prototype.summary = "";
        Diagnostic.prototype.detail = "";
        Diagnostic.prototype.attribute = null;

        Diagnostic.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.severity != null && Object.hasOwnProperty.call(message, "severity"))
                writer.uint32(8).int32(message.severity);
            if (message.summary != null && Object.hasOwnProperty.call(message, "summary"))
                writer.uint32(18).string(message.summary);
            if (message.detail != null && Object.hasOwnProperty.call(message, "detail"))
                writer.uint32(26).string(message.detail);
            if (message.attribute != null && Object.hasOwnProperty.call(message, "attribute"))
                $root.tfplugin6.AttributePath.encode(message.attribute, writer.uint32(34).fork(), q + 1).ldelim();
            return writer;
        };

        Diagnostic.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.Diagnostic();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.severity = reader.int32();
                        break;
                    }
                case 2: {
                        message.summary = reader.string();
                        break;
                    }
                case 3: {
                        message.detail = reader.string();
                        break;
                    }
                case 4: {
                        message.attribute = $root.tfplugin6.AttributePath.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Diagnostic.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.Diagnostic)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.Diagnostic: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.Diagnostic();
            switch (object.severity) {
            default:
                if (typeof object.severity === "number") {
                    message.severity = object.severity;
                    break;
                }
                break;
            case "INVALID":
            case 0:
                message.severity = 0;
                break;
            case "ERROR":
            case 1:
                message.severity = 1;
                break;
            case "WARNING":
            case 2:
                message.severity = 2;
                break;
            }
            if (object.summary != null)
                message.summary = String(object.summary);
            if (object.detail != null)
                message.detail = String(object.detail);
            if (object.attribute != null) {
                if (!$util.isObject(object.attribute))
                    throw TypeError(".tfplugin6.Diagnostic.attribute: object expected");
                message.attribute = $root.tfplugin6.AttributePath.fromObject(object.attribute, long + 1);
            }
            return message;
        };

        Diagnostic.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.severity = options.enums === String ? "INVALID" : 0;
                object.summary = "";
                object.detail = "";
                object.attribute = null;
            }
            if (message.severity != null && Object.hasOwnProperty.call(message, "severity"))
                object.severity = options.enums === String ? $root.tfplugin6.Diagnostic.Severity[message.severity] === undefined ? message.severity : $root.tfplugin6.Diagnostic.Severity[message.severity] : message.severity;
            if (message.summary != null && Object.hasOwnProperty.call(message, "summary"))
                object.summary = message.summary;
            if (message.detail != null && Object.hasOwnProperty.call(message, "detail"))
                object.detail = message.detail;
            if (message.attribute != null && Object.hasOwnProperty.call(message, "attribute"))
                object.attribute = $root.tfplugin6.AttributePath.toObject(message.attribute, options, q + 1);
            return object;
        };

        Diagnostic.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Diagnostic.Severity = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "INVALID"] = 0;
            values[valuesById[1] = "ERROR"] = 1;
            values[valuesById[2] = "WARNING"] = 2;
            return values;
        })();

        return Diagnostic;
    })();

    tfplugin6.FunctionError = (function() {

        function FunctionError(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        FunctionError.prototype.text = "";
        FunctionError.prototype.function_argument = null;

        var $oneOfFields;

        // Virtual OneOf for proto3 optional field
        Object.defineProperty(FunctionError.prototype, "_function_argument", {
            get: $util.oneOfGetter($oneOfFields = ["function_argument"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        FunctionError.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                writer.uint32(10).string(message.text);
            if (message.function_argument != null && Object.hasOwnProperty.call(message, "function_argument"))
                writer.uint32(16).int64(message.function_argument);
            return writer;
        };

        FunctionError.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.FunctionError();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.text = reader.string();
                        break;
                    }
                case 2: {
                        message.function_argument = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        FunctionError.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.FunctionError)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.FunctionError: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.FunctionError();
            if (object.text != null)
                message.text = String(object.text);
            if (object.function_argument != null)
                if ($util.Long)
                    message.function_argument = $util.Long.fromValue(object.function_argument, false);
                else if (typeof object.function_argument === "string")
                    message.function_argument = parseInt(object.function_argument, 10);
                else if (typeof object.function_argument === "number")
                    message.function_argument = object.function_argument;
                else if (typeof object.function_argument === "object")
                    message.function_argument = new $util.LongBits(object.function_argument.low >>> 0, object.function_argument.high >>> 0).toNumber();
            return message;
        };

        FunctionError.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.text = "";
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                object.text = message.text;
            if (message.function_argument != null && Object.hasOwnProperty.call(message, "function_argument")) {
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.function_argument = typeof message.function_argument === "number" ? BigInt(message.function_argument) : $util.Long.fromBits(message.function_argument.low >>> 0, message.function_argument.high >>> 0, false).toBigInt();
                else if (typeof message.function_argument === "number")
                    object.function_argument = options.longs === String ? String(message.function_argument) : message.function_argument;
                else
                    object.function_argument = options.longs === String ? $util.Long.prototype.toString.call(message.function_argument) : options.longs === Number ? new $util.LongBits(message.function_argument.low >>> 0, message.function_argument.high >>> 0).toNumber() : message.function_argument;
                if (options.oneofs)
                    object._function_argument = "function_argument";
            }
            return object;
        };

        FunctionError.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return FunctionError;
    })();

    tfplugin6.AttributePath = (function() {

        function AttributePath(properties) {
            this.steps = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AttributePath.prototype.steps = $util.emptyArray;

        AttributePath.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.steps != null && message.steps.length)
                for (var i = 0; i < message.steps.length; ++i)
                    $root.tfplugin6.AttributePath.Step.encode(message.steps[i], writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AttributePath.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.AttributePath();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.steps && message.steps.length))
                            message.steps = [];
                        message.steps.push($root.tfplugin6.AttributePath.Step.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AttributePath.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.AttributePath)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.AttributePath: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.AttributePath();
            if (object.steps) {
                if (!Array.isArray(object.steps))
                    throw TypeError(".tfplugin6.AttributePath.steps: array expected");
                message.steps = [];
                for (var i = 0; i < object.steps.length; ++i) {
                    if (!$util.isObject(object.steps[i]))
                        throw TypeError(".tfplugin6.AttributePath.steps: object expected");
                    message.steps[i] = $root.tfplugin6.AttributePath.Step.fromObject(object.steps[i], long + 1);
                }
            }
            return message;
        };

        AttributePath.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.steps = [];
            if (message.steps && message.steps.length) {
                object.steps = [];
                for (var j = 0; j < message.steps.length; ++j)
                    object.steps[j] = $root.tfplugin6.AttributePath.Step.toObject(message.steps[j], options, q + 1);
            }
            return object;
        };

        AttributePath.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        AttributePath.Step = (function() {

            function Step(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Step.prototype.attribute_name = null;
            Step.prototype.element_key_string = null;
            Step.prototype.element_key_int = null;

            var $oneOfFields;

            Object.defineProperty(Step.prototype, "selector", {
                get: $util.oneOfGetter($oneOfFields = ["attribute_name", "element_key_string", "element_key_int"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Step.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.attribute_name != null && Object.hasOwnProperty.call(message, "attribute_name"))
                    writer.uint32(10).string(message.attribute_name);
                if (message.element_key_string != null && Object.hasOwnProperty.call(message, "element_key_string"))
                    writer.uint32(18).string(message.element_key_string);
                if (message.element_key_int != null && Object.hasOwnProperty.call(message, "element_key_int"))
                    writer.uint32(24).int64(message.element_key_int);
                return writer;
            };

            Step.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.AttributePath.Step();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.attribute_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.element_key_string = reader.string();
                            break;
                        }
                    case 3: {
                            message.element_key_int = reader.int64();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Step.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.AttributePath.Step)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.AttributePath.Step: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.AttributePath.Step();
                if (object.attribute_name != null)
                    message.attribute_name = String(object.attribute_name);
                if (object.element_key_string != null)
                    message.element_key_string = String(object.element_key_string);
                if (object.element_key_int != null)
                    if ($util.Long)
                        message.element_key_int = $util.Long.fromValue(object.element_key_int, false);
                    else if (typeof object.element_key_int === "string")
                        message.element_key_int = parseInt(object.element_key_int, 10);
                    else if (typeof object.element_key_int === "number")
                        message.element_key_int = object.element_key_int;
                    else if (typeof object.element_key_int === "object")
                        message.element_key_int = new $util.LongBits(object.element_key_int.low >>> 0, object.element_key_int.high >>> 0).toNumber();
                return message;
            };

            Step.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (message.attribute_name != null && Object.hasOwnProperty.call(message, "attribute_name")) {
                    object.attribute_name = message.attribute_name;
                    if (options.oneofs)
                        object.selector = "attribute_name";
                }
                if (message.element_key_string != null && Object.hasOwnProperty.call(message, "element_key_string")) {
                    object.element_key_string = message.element_key_string;
                    if (options.oneofs)
                        object.selector = "element_key_string";
                }
                if (message.element_key_int != null && Object.hasOwnProperty.call(message, "element_key_int")) {
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.element_key_int = typeof message.element_key_int === "number" ? BigInt(message.element_key_int) : $util.Long.fromBits(message.element_key_int.low >>> 0, message.element_key_int.high >>> 0, false).toBigInt();
                    else if (typeof message.element_key_int === "number")
                        object.element_key_int = options.longs === String ? String(message.element_key_int) : message.element_key_int;
                    else
                        object.element_key_int = options.longs === String ? $util.Long.prototype.toString.call(message.element_key_int) : options.longs === Number ? new $util.LongBits(message.element_key_int.low >>> 0, message.element_key_int.high >>> 0).toNumber() : message.element_key_int;
                    if (options.oneofs)
                        object.selector = "element_key_int";
                }
                return object;
            };

            Step.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Step;
        })();

        return AttributePath;
    })();

    tfplugin6.StopProvider = (function() {

        function StopProvider(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        StopProvider.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        StopProvider.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.StopProvider();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        StopProvider.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.StopProvider)
                return object;
            return new $root.tfplugin6.StopProvider();
        };

        StopProvider.toObject = function toObject() {
            return {};
        };

        StopProvider.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        StopProvider.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.StopProvider.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.StopProvider.Request)
                    return object;
                return new $root.tfplugin6.StopProvider.Request();
            };

            Request.toObject = function toObject() {
                return {};
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        StopProvider.Response = (function() {

            function Response(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.Error = "";

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.Error != null && Object.hasOwnProperty.call(message, "Error"))
                    writer.uint32(10).string(message.Error);
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.StopProvider.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.Error = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.StopProvider.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.StopProvider.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.StopProvider.Response();
                if (object.Error != null)
                    message.Error = String(object.Error);
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.Error = "";
                if (message.Error != null && Object.hasOwnProperty.call(message, "Error"))
                    object.Error = message.Error;
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return StopProvider;
    })();

    tfplugin6.RawState = (function() {

        function RawState(properties) {
            this.flatmap = {};
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        RawState.prototype.json = $util.newBuffer([]);
        RawState.prototype.flatmap = $util.emptyObject;

        RawState.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.json != null && Object.hasOwnProperty.call(message, "json"))
                writer.uint32(10).bytes(message.json);
            if (message.flatmap != null && Object.hasOwnProperty.call(message, "flatmap"))
                for (var keys = Object.keys(message.flatmap), i = 0; i < keys.length; ++i)
                    writer.uint32(18).fork().uint32(10).string(keys[i]).uint32(18).string(message.flatmap[keys[i]]).ldelim();
            return writer;
        };

        RawState.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message, key, value;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.RawState();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.json = reader.bytes();
                        break;
                    }
                case 2: {
                        if (message.flatmap === $util.emptyObject)
                            message.flatmap = {};
                        var end2 = reader.uint32() + reader.pos;
                        if (end2 > reader.len)
                            throw RangeError("index out of range");
                        reader.len = end2;
                        key = "";
                        value = "";
                        while (reader.pos < end2) {
                            var tag2 = reader.uint32();
                            switch (tag2 >>> 3) {
                            case 1:
                                key = reader.string();
                                break;
                            case 2:
                                value = reader.string();
                                break;
                            default:
                                reader.skipType(tag2 & 7, long);
                                break;
                            }
                        }
                        if (reader.pos !== end2)
                            throw RangeError("index out of range");
                        reader.len = end;
                        if (key === "__proto__")
                            $util.makeProp(message.flatmap, key);
                        message.flatmap[key] = value;
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        RawState.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.RawState)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.RawState: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.RawState();
            if (object.json != null)
                if (typeof object.json === "string")
                    $util.base64.decode(object.json, message.json = $util.newBuffer($util.base64.length(object.json)), 0);
                else if (object.json.length >= 0)
                    message.json = object.json;
            if (object.flatmap) {
                if (!$util.isObject(object.flatmap))
                    throw TypeError(".tfplugin6.RawState.flatmap: object expected");
                message.flatmap = {};
                for (var keys = Object.keys(object.flatmap), i = 0; i < keys.length; ++i) {
                    if (keys[i] === "__proto__")
                        $util.makeProp(message.flatmap, keys[i]);
                    message.flatmap[keys[i]] = String(object.flatmap[keys[i]]);
                }
            }
            return message;
        };

        RawState.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.objects || options.defaults)
                object.flatmap = {};
            if (options.defaults)
                if (options.bytes === String)
                    object.json = "";
                else {
                    object.json = [];
                    if (options.bytes !== Array)
                        object.json = $util.newBuffer(object.json);
                }
            if (message.json != null && Object.hasOwnProperty.call(message, "json"))
                object.json = options.bytes === String ? $util.base64.encode(message.json, 0, message.json.length) : options.bytes === Array ? Array.prototype.slice.call(message.json) : message.json;
            var keys2;
            if (message.flatmap && (keys2 = Object.keys(message.flatmap)).length) {
                object.flatmap = {};
                for (var j = 0; j < keys2.length; ++j) {
                    if (keys2[j] === "__proto__")
                        $util.makeProp(object.flatmap, keys2[j]);
                    object.flatmap[keys2[j]] = message.flatmap[keys2[j]];
                }
            }
            return object;
        };

        RawState.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return RawState;
    })();

    tfplugin6.StringKind = (function() {
        var valuesById = {}, values = Object.create(valuesById);
        values[valuesById[0] = "PLAIN"] = 0;
        values[valuesById[1] = "MARKDOWN"] = 1;
        return values;
    })();

    tfplugin6.Schema = (function() {

        function Schema(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Schema.prototype.version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        Schema.prototype.block = null;

        Schema.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                writer.uint32(8).int64(message.version);
            if (message.block != null && Object.hasOwnProperty.call(message, "block"))
                $root.tfplugin6.Schema.Block.encode(message.block, writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        Schema.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.Schema();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.version = reader.int64();
                        break;
                    }
                case 2: {
                        message.block = $root.tfplugin6.Schema.Block.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Schema.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.Schema)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.Schema: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.Schema();
            if (object.version != null)
                if ($util.Long)
                    message.version = $util.Long.fromValue(object.version, false);
                else if (typeof object.version === "string")
                    message.version = parseInt(object.version, 10);
                else if (typeof object.version === "number")
                    message.version = object.version;
                else if (typeof object.version === "object")
                    message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
            if (object.block != null) {
                if (!$util.isObject(object.block))
                    throw TypeError(".tfplugin6.Schema.block: object expected");
                message.block = $root.tfplugin6.Schema.Block.fromObject(object.block, long + 1);
            }
            return message;
        };

        Schema.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.version = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.version = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.block = null;
            }
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.version = typeof message.version === "number" ? BigInt(message.version) : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
                else if (typeof message.version === "number")
                    object.version = options.longs === String ? String(message.version) : message.version;
                else
                    object.version = options.longs === String ? $util.Long.prototype.toString.call(message.version) : options.longs === Number ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber() : message.version;
            if (message.block != null && Object.hasOwnProperty.call(message, "block"))
                object.block = $root.tfplugin6.Schema.Block.toObject(message.block, options, q + 1);
            return object;
        };

        Schema.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Schema.Block = (function() {

            function Block(properties) {
                this.attributes = [];
                this.block_types = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Block.prototype.version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            Block.prototype.attributes = $util.emptyArray;
            Block.prototype.block_types = $util.emptyArray;
            Block.prototype.description = "";
            Block.prototype.description_kind = 0;
            Block.prototype.deprecated = false;

            Block.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                    writer.uint32(8).int64(message.version);
                if (message.attributes != null && message.attributes.length)
                    for (var i = 0; i < message.attributes.length; ++i)
                        $root.tfplugin6.Schema.Attribute.encode(message.attributes[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.block_types != null && message.block_types.length)
                    for (var i = 0; i < message.block_types.length; ++i)
                        $root.tfplugin6.Schema.NestedBlock.encode(message.block_types[i], writer.uint32(26).fork(), q + 1).ldelim();
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    writer.uint32(34).string(message.description);
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    writer.uint32(40).int32(message.description_kind);
                if (message.deprecated != null && Object.hasOwnProperty.call(message, "deprecated"))
                    writer.uint32(48).bool(message.deprecated);
                return writer;
            };

            Block.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Schema.Block();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.version = reader.int64();
                            break;
                        }
                    case 2: {
                            if (!(message.attributes && message.attributes.length))
                                message.attributes = [];
                            message.attributes.push($root.tfplugin6.Schema.Attribute.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            if (!(message.block_types && message.block_types.length))
                                message.block_types = [];
                            message.block_types.push($root.tfplugin6.Schema.NestedBlock.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 4: {
                            message.description = reader.string();
                            break;
                        }
                    case 5: {
                            message.description_kind = reader.int32();
                            break;
                        }
                    case 6: {
                            message.deprecated = reader.bool();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Block.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Schema.Block)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Schema.Block: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Schema.Block();
                if (object.version != null)
                    if ($util.Long)
                        message.version = $util.Long.fromValue(object.version, false);
                    else if (typeof object.version === "string")
                        message.version = parseInt(object.version, 10);
                    else if (typeof object.version === "number")
                        message.version = object.version;
                    else if (typeof object.version === "object")
                        message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
                if (object.attributes) {
                    if (!Array.isArray(object.attributes))
                        throw TypeError(".tfplugin6.Schema.Block.attributes: array expected");
                    message.attributes = [];
                    for (var i = 0; i < object.attributes.length; ++i) {
                        if (!$util.isObject(object.attributes[i]))
                            throw TypeError(".tfplugin6.Schema.Block.attributes: object expected");
                        message.attributes[i] = $root.tfplugin6.Schema.Attribute.fromObject(object.attributes[i], long + 1);
                    }
                }
                if (object.block_types) {
                    if (!Array.isArray(object.block_types))
                        throw TypeError(".tfplugin6.Schema.Block.block_types: array expected");
                    message.block_types = [];
                    for (var i = 0; i < object.block_types.length; ++i) {
                        if (!$util.isObject(object.block_types[i]))
                            throw TypeError(".tfplugin6.Schema.Block.block_types: object expected");
                        message.block_types[i] = $root.tfplugin6.Schema.NestedBlock.fromObject(object.block_types[i], long + 1);
                    }
                }
                if (object.description != null)
                    message.description = String(object.description);
                switch (object.description_kind) {
                default:
                    if (typeof object.description_kind === "number") {
                        message.description_kind = object.description_kind;
                        break;
                    }
                    break;
                case "PLAIN":
                case 0:
                    message.description_kind = 0;
                    break;
                case "MARKDOWN":
                case 1:
                    message.description_kind = 1;
                    break;
                }
                if (object.deprecated != null)
                    message.deprecated = Boolean(object.deprecated);
                return message;
            };

            Block.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults) {
                    object.attributes = [];
                    object.block_types = [];
                }
                if (options.defaults) {
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.version = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.version = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    object.description = "";
                    object.description_kind = options.enums === String ? "PLAIN" : 0;
                    object.deprecated = false;
                }
                if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.version = typeof message.version === "number" ? BigInt(message.version) : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
                    else if (typeof message.version === "number")
                        object.version = options.longs === String ? String(message.version) : message.version;
                    else
                        object.version = options.longs === String ? $util.Long.prototype.toString.call(message.version) : options.longs === Number ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber() : message.version;
                if (message.attributes && message.attributes.length) {
                    object.attributes = [];
                    for (var j = 0; j < message.attributes.length; ++j)
                        object.attributes[j] = $root.tfplugin6.Schema.Attribute.toObject(message.attributes[j], options, q + 1);
                }
                if (message.block_types && message.block_types.length) {
                    object.block_types = [];
                    for (var j = 0; j < message.block_types.length; ++j)
                        object.block_types[j] = $root.tfplugin6.Schema.NestedBlock.toObject(message.block_types[j], options, q + 1);
                }
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    object.description = message.description;
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    object.description_kind = options.enums === String ? $root.tfplugin6.StringKind[message.description_kind] === undefined ? message.description_kind : $root.tfplugin6.StringKind[message.description_kind] : message.description_kind;
                if (message.deprecated != null && Object.hasOwnProperty.call(message, "deprecated"))
                    object.deprecated = message.deprecated;
                return object;
            };

            Block.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Block;
        })();

        Schema.Attribute = (function() {

            function Attribute(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Attribute.prototype.name = "";
            Attribute.prototype.type = $util.newBuffer([]);
            Attribute.prototype.nested_type = null;
            Attribute.prototype.description = "";
            Attribute.prototype.required = false;
            Attribute.prototype.optional = false;
            Attribute.prototype.computed = false;
            Attribute.prototype.sensitive = false;
            Attribute.prototype.description_kind = 0;
            Attribute.prototype.deprecated = false;
            Attribute.prototype.write_only = false;

            Attribute.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(10).string(message.name);
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    writer.uint32(18).bytes(message.type);
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    writer.uint32(26).string(message.description);
                if (message.required != null && Object.hasOwnProperty.call(message, "required"))
                    writer.uint32(32).bool(message.required);
                if (message.optional != null && Object.hasOwnProperty.call(message, "optional"))
                    writer.uint32(40).bool(message.optional);
                if (message.computed != null && Object.hasOwnProperty.call(message, "computed"))
                    writer.uint32(48).bool(message.computed);
                if (message.sensitive != null && Object.hasOwnProperty.call(message, "sensitive"))
                    writer.uint32(56).bool(message.sensitive);
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    writer.uint32(64).int32(message.description_kind);
                if (message.deprecated != null && Object.hasOwnProperty.call(message, "deprecated"))
                    writer.uint32(72).bool(message.deprecated);
                if (message.nested_type != null && Object.hasOwnProperty.call(message, "nested_type"))
                    $root.tfplugin6.Schema.Object_.encode(message.nested_type, writer.uint32(82).fork(), q + 1).ldelim();
                if (message.write_only != null && Object.hasOwnProperty.call(message, "write_only"))
                    writer.uint32(88).bool(message.write_only);
                return writer;
            };

            Attribute.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Schema.Attribute();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.name = reader.string();
                            break;
                        }
                    case 2: {
                            message.type = reader.bytes();
                            break;
                        }
                    case 10: {
                            message.nested_type = $root.tfplugin6.Schema.Object_.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.description = reader.string();
                            break;
                        }
                    case 4: {
                            message.required = reader.bool();
                            break;
                        }
                    case 5: {
                            message.optional = reader.bool();
                            break;
                        }
                    case 6: {
                            message.computed = reader.bool();
                            break;
                        }
                    case 7: {
                            message.sensitive = reader.bool();
                            break;
                        }
                    case 8: {
                            message.description_kind = reader.int32();
                            break;
                        }
                    case 9: {
                            message.deprecated = reader.bool();
                            break;
                        }
                    case 11: {
                            message.write_only = reader.bool();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Attribute.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Schema.Attribute)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Schema.Attribute: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Schema.Attribute();
                if (object.name != null)
                    message.name = String(object.name);
                if (object.type != null)
                    if (typeof object.type === "string")
                        $util.base64.decode(object.type, message.type = $util.newBuffer($util.base64.length(object.type)), 0);
                    else if (object.type.length >= 0)
                        message.type = object.type;
                if (object.nested_type != null) {
                    if (!$util.isObject(object.nested_type))
                        throw TypeError(".tfplugin6.Schema.Attribute.nested_type: object expected");
                    message.nested_type = $root.tfplugin6.Schema.Object_.fromObject(object.nested_type, long + 1);
                }
                if (object.description != null)
                    message.description = String(object.description);
                if (object.required != null)
                    message.required = Boolean(object.required);
                if (object.optional != null)
                    message.optional = Boolean(object.optional);
                if (object.computed != null)
                    message.computed = Boolean(object.computed);
                if (object.sensitive != null)
                    message.sensitive = Boolean(object.sensitive);
                switch (object.description_kind) {
                default:
                    if (typeof object.description_kind === "number") {
                        message.description_kind = object.description_kind;
                        break;
                    }
                    break;
                case "PLAIN":
                case 0:
                    message.description_kind = 0;
                    break;
                case "MARKDOWN":
                case 1:
                    message.description_kind = 1;
                    break;
                }
                if (object.deprecated != null)
                    message.deprecated = Boolean(object.deprecated);
                if (object.write_only != null)
                    message.write_only = Boolean(object.write_only);
                return message;
            };

            Attribute.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.name = "";
                    if (options.bytes === String)
                        object.type = "";
                    else {
                        object.type = [];
                        if (options.bytes !== Array)
                            object.type = $util.newBuffer(object.type);
                    }
                    object.description = "";
                    object.required = false;
                    object.optional = false;
                    object.computed = false;
                    object.sensitive = false;
                    object.description_kind = options.enums === String ? "PLAIN" : 0;
                    object.deprecated = false;
                    object.nested_type = null;
                    object.write_only = false;
                }
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    object.type = options.bytes === String ? $util.base64.encode(message.type, 0, message.type.length) : options.bytes === Array ? Array.prototype.slice.call(message.type) : message.type;
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    object.description = message.description;
                if (message.required != null && Object.hasOwnProperty.call(message, "required"))
                    object.required = message.required;
                if (message.optional != null && Object.hasOwnProperty.call(message, "optional"))
                    object.optional = message.optional;
                if (message.computed != null && Object.hasOwnProperty.call(message, "computed"))
                    object.computed = message.computed;
                if (message.sensitive != null && Object.hasOwnProperty.call(message, "sensitive"))
                    object.sensitive = message.sensitive;
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    object.description_kind = options.enums === String ? $root.tfplugin6.StringKind[message.description_kind] === undefined ? message.description_kind : $root.tfplugin6.StringKind[message.description_kind] : message.description_kind;
                if (message.deprecated != null && Object.hasOwnProperty.call(message, "deprecated"))
                    object.deprecated = message.deprecated;
                if (message.nested_type != null && Object.hasOwnProperty.call(message, "nested_type"))
                    object.nested_type = $root.tfplugin6.Schema.Object_.toObject(message.nested_type, options, q + 1);
                if (message.write_only != null && Object.hasOwnProperty.call(message, "write_only"))
                    object.write_only = message.write_only;
                return object;
            };

            Attribute.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Attribute;
        })();

        Schema.NestedBlock = (function() {

            function NestedBlock(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            NestedBlock.prototype.type_name = "";
            NestedBlock.prototype.block = null;
            NestedBlock.prototype.nesting = 0;
            NestedBlock.prototype.min_items = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            NestedBlock.prototype.max_items = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            NestedBlock.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.block != null && Object.hasOwnProperty.call(message, "block"))
                    $root.tfplugin6.Schema.Block.encode(message.block, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.nesting != null && Object.hasOwnProperty.call(message, "nesting"))
                    writer.uint32(24).int32(message.nesting);
                if (message.min_items != null && Object.hasOwnProperty.call(message, "min_items"))
                    writer.uint32(32).int64(message.min_items);
                if (message.max_items != null && Object.hasOwnProperty.call(message, "max_items"))
                    writer.uint32(40).int64(message.max_items);
                return writer;
            };

            NestedBlock.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Schema.NestedBlock();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.block = $root.tfplugin6.Schema.Block.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.nesting = reader.int32();
                            break;
                        }
                    case 4: {
                            message.min_items = reader.int64();
                            break;
                        }
                    case 5: {
                            message.max_items = reader.int64();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            NestedBlock.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Schema.NestedBlock)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Schema.NestedBlock: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Schema.NestedBlock();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.block != null) {
                    if (!$util.isObject(object.block))
                        throw TypeError(".tfplugin6.Schema.NestedBlock.block: object expected");
                    message.block = $root.tfplugin6.Schema.Block.fromObject(object.block, long + 1);
                }
                switch (object.nesting) {
                default:
                    if (typeof object.nesting === "number") {
                        message.nesting = object.nesting;
                        break;
                    }
                    break;
                case "INVALID":
                case 0:
                    message.nesting = 0;
                    break;
                case "SINGLE":
                case 1:
                    message.nesting = 1;
                    break;
                case "LIST":
                case 2:
                    message.nesting = 2;
                    break;
                case "SET":
                case 3:
                    message.nesting = 3;
                    break;
                case "MAP":
                case 4:
                    message.nesting = 4;
                    break;
                case "GROUP":
                case 5:
                    message.nesting = 5;
                    break;
                }
                if (object.min_items != null)
                    if ($util.Long)
                        message.min_items = $util.Long.fromValue(object.min_items, false);
                    else if (typeof object.min_items === "string")
                        message.min_items = parseInt(object.min_items, 10);
                    else if (typeof object.min_items === "number")
                        message.min_items = object.min_items;
                    else if (typeof object.min_items === "object")
                        message.min_items = new $util.LongBits(object.min_items.low >>> 0, object.min_items.high >>> 0).toNumber();
                if (object.max_items != null)
                    if ($util.Long)
                        message.max_items = $util.Long.fromValue(object.max_items, false);
                    else if (typeof object.max_items === "string")
                        message.max_items = parseInt(object.max_items, 10);
                    else if (typeof object.max_items === "number")
                        message.max_items = object.max_items;
                    else if (typeof object.max_items === "object")
                        message.max_items = new $util.LongBits(object.max_items.low >>> 0, object.max_items.high >>> 0).toNumber();
                return message;
            };

            NestedBlock.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.block = null;
                    object.nesting = options.enums === String ? "INVALID" : 0;
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.min_items = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.min_items = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.max_items = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.max_items = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.block != null && Object.hasOwnProperty.call(message, "block"))
                    object.block = $root.tfplugin6.Schema.Block.toObject(message.block, options, q + 1);
                if (message.nesting != null && Object.hasOwnProperty.call(message, "nesting"))
                    object.nesting = options.enums === String ? $root.tfplugin6.Schema.NestedBlock.NestingMode[message.nesting] === undefined ? message.nesting : $root.tfplugin6.Schema.NestedBlock.NestingMode[message.nesting] : message.nesting;
                if (message.min_items != null && Object.hasOwnProperty.call(message, "min_items"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.min_items = typeof message.min_items === "number" ? BigInt(message.min_items) : $util.Long.fromBits(message.min_items.low >>> 0, message.min_items.high >>> 0, false).toBigInt();
                    else if (typeof message.min_items === "number")
                        object.min_items = options.longs === String ? String(message.min_items) : message.min_items;
                    else
                        object.min_items = options.longs === String ? $util.Long.prototype.toString.call(message.min_items) : options.longs === Number ? new $util.LongBits(message.min_items.low >>> 0, message.min_items.high >>> 0).toNumber() : message.min_items;
                if (message.max_items != null && Object.hasOwnProperty.call(message, "max_items"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.max_items = typeof message.max_items === "number" ? BigInt(message.max_items) : $util.Long.fromBits(message.max_items.low >>> 0, message.max_items.high >>> 0, false).toBigInt();
                    else if (typeof message.max_items === "number")
                        object.max_items = options.longs === String ? String(message.max_items) : message.max_items;
                    else
                        object.max_items = options.longs === String ? $util.Long.prototype.toString.call(message.max_items) : options.longs === Number ? new $util.LongBits(message.max_items.low >>> 0, message.max_items.high >>> 0).toNumber() : message.max_items;
                return object;
            };

            NestedBlock.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            NestedBlock.NestingMode = (function() {
                var valuesById = {}, values = Object.create(valuesById);
                values[valuesById[0] = "INVALID"] = 0;
                values[valuesById[1] = "SINGLE"] = 1;
                values[valuesById[2] = "LIST"] = 2;
                values[valuesById[3] = "SET"] = 3;
                values[valuesById[4] = "MAP"] = 4;
                values[valuesById[5] = "GROUP"] = 5;
                return values;
            })();

            return NestedBlock;
        })();

        Schema.Object_ = (function() {

            function Object_(properties) {
                this.attributes = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Object_.prototype.attributes = $util.emptyArray;
            Object_.prototype.nesting = 0;
            Object_.prototype.min_items = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            Object_.prototype.max_items = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

            Object_.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.attributes != null && message.attributes.length)
                    for (var i = 0; i < message.attributes.length; ++i)
                        $root.tfplugin6.Schema.Attribute.encode(message.attributes[i], writer.uint32(10).fork(), q + 1).ldelim();
                if (message.nesting != null && Object.hasOwnProperty.call(message, "nesting"))
                    writer.uint32(24).int32(message.nesting);
                if (message.min_items != null && Object.hasOwnProperty.call(message, "min_items"))
                    writer.uint32(32).int64(message.min_items);
                if (message.max_items != null && Object.hasOwnProperty.call(message, "max_items"))
                    writer.uint32(40).int64(message.max_items);
                return writer;
            };

            Object_.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Schema.Object_();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.attributes && message.attributes.length))
                                message.attributes = [];
                            message.attributes.push($root.tfplugin6.Schema.Attribute.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message.nesting = reader.int32();
                            break;
                        }
                    case 4: {
                            message.min_items = reader.int64();
                            break;
                        }
                    case 5: {
                            message.max_items = reader.int64();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Object_.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Schema.Object_)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Schema.Object_: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Schema.Object_();
                if (object.attributes) {
                    if (!Array.isArray(object.attributes))
                        throw TypeError(".tfplugin6.Schema.Object_.attributes: array expected");
                    message.attributes = [];
                    for (var i = 0; i < object.attributes.length; ++i) {
                        if (!$util.isObject(object.attributes[i]))
                            throw TypeError(".tfplugin6.Schema.Object_.attributes: object expected");
                        message.attributes[i] = $root.tfplugin6.Schema.Attribute.fromObject(object.attributes[i], long + 1);
                    }
                }
                switch (object.nesting) {
                default:
                    if (typeof object.nesting === "number") {
                        message.nesting = object.nesting;
                        break;
                    }
                    break;
                case "INVALID":
                case 0:
                    message.nesting = 0;
                    break;
                case "SINGLE":
                case 1:
                    message.nesting = 1;
                    break;
                case "LIST":
                case 2:
                    message.nesting = 2;
                    break;
                case "SET":
                case 3:
                    message.nesting = 3;
                    break;
                case "MAP":
                case 4:
                    message.nesting = 4;
                    break;
                }
                if (object.min_items != null)
                    if ($util.Long)
                        message.min_items = $util.Long.fromValue(object.min_items, false);
                    else if (typeof object.min_items === "string")
                        message.min_items = parseInt(object.min_items, 10);
                    else if (typeof object.min_items === "number")
                        message.min_items = object.min_items;
                    else if (typeof object.min_items === "object")
                        message.min_items = new $util.LongBits(object.min_items.low >>> 0, object.min_items.high >>> 0).toNumber();
                if (object.max_items != null)
                    if ($util.Long)
                        message.max_items = $util.Long.fromValue(object.max_items, false);
                    else if (typeof object.max_items === "string")
                        message.max_items = parseInt(object.max_items, 10);
                    else if (typeof object.max_items === "number")
                        message.max_items = object.max_items;
                    else if (typeof object.max_items === "object")
                        message.max_items = new $util.LongBits(object.max_items.low >>> 0, object.max_items.high >>> 0).toNumber();
                return message;
            };

            Object_.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.attributes = [];
                if (options.defaults) {
                    object.nesting = options.enums === String ? "INVALID" : 0;
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.min_items = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.min_items = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.max_items = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.max_items = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                }
                if (message.attributes && message.attributes.length) {
                    object.attributes = [];
                    for (var j = 0; j < message.attributes.length; ++j)
                        object.attributes[j] = $root.tfplugin6.Schema.Attribute.toObject(message.attributes[j], options, q + 1);
                }
                if (message.nesting != null && Object.hasOwnProperty.call(message, "nesting"))
                    object.nesting = options.enums === String ? $root.tfplugin6.Schema.Object_.NestingMode[message.nesting] === undefined ? message.nesting : $root.tfplugin6.Schema.Object_.NestingMode[message.nesting] : message.nesting;
                if (message.min_items != null && Object.hasOwnProperty.call(message, "min_items"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.min_items = typeof message.min_items === "number" ? BigInt(message.min_items) : $util.Long.fromBits(message.min_items.low >>> 0, message.min_items.high >>> 0, false).toBigInt();
                    else if (typeof message.min_items === "number")
                        object.min_items = options.longs === String ? String(message.min_items) : message.min_items;
                    else
                        object.min_items = options.longs === String ? $util.Long.prototype.toString.call(message.min_items) : options.longs === Number ? new $util.LongBits(message.min_items.low >>> 0, message.min_items.high >>> 0).toNumber() : message.min_items;
                if (message.max_items != null && Object.hasOwnProperty.call(message, "max_items"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.max_items = typeof message.max_items === "number" ? BigInt(message.max_items) : $util.Long.fromBits(message.max_items.low >>> 0, message.max_items.high >>> 0, false).toBigInt();
                    else if (typeof message.max_items === "number")
                        object.max_items = options.longs === String ? String(message.max_items) : message.max_items;
                    else
                        object.max_items = options.longs === String ? $util.Long.prototype.toString.call(message.max_items) : options.longs === Number ? new $util.LongBits(message.max_items.low >>> 0, message.max_items.high >>> 0).toNumber() : message.max_items;
                return object;
            };

            Object_.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            Object_.NestingMode = (function() {
                var valuesById = {}, values = Object.create(valuesById);
                values[valuesById[0] = "INVALID"] = 0;
                values[valuesById[1] = "SINGLE"] = 1;
                values[valuesById[2] = "LIST"] = 2;
                values[valuesById[3] = "SET"] = 3;
                values[valuesById[4] = "MAP"] = 4;
                return values;
            })();

            return Object_;
        })();

        return Schema;
    })();

    tfplugin6.Function = (function() {

        function Function(properties) {
            this.parameters = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Function.prototype.parameters = $util.emptyArray;
        Function.prototype.variadic_parameter = null;
        Function.prototype["return"] = null;
        Function.prototype.summary = "";
        Function.prototype.description = "";
        Function.prototype.description_kind = 0;
        Function.prototype.deprecation_message = "";

        Function.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.parameters != null && message.parameters.length)
                for (var i = 0; i < message.parameters.length; ++i)
                    $root.tfplugin6.Function.Parameter.encode(message.parameters[i], writer.uint32(10).fork(), q + 1).ldelim();
            if (message.variadic_parameter != null && Object.hasOwnProperty.call(message, "variadic_parameter"))
                $root.tfplugin6.Function.Parameter.encode(message.variadic_parameter, writer.uint32(18).fork(), q + 1).ldelim();
            if (message["return"] != null && Object.hasOwnProperty.call(message, "return"))
                $root.tfplugin6.Function.Return.encode(message["return"], writer.uint32(26).fork(), q + 1).ldelim();
            if (message.summary != null && Object.hasOwnProperty.call(message, "summary"))
                writer.uint32(34).string(message.summary);
            if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                writer.uint32(42).string(message.description);
            if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                writer.uint32(48).int32(message.description_kind);
            if (message.deprecation_message != null && Object.hasOwnProperty.call(message, "deprecation_message"))
                writer.uint32(58).string(message.deprecation_message);
            return writer;
        };

        Function.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.Function();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.parameters && message.parameters.length))
                            message.parameters = [];
                        message.parameters.push($root.tfplugin6.Function.Parameter.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 2: {
                        message.variadic_parameter = $root.tfplugin6.Function.Parameter.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message["return"] = $root.tfplugin6.Function.Return.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 4: {
                        message.summary = reader.string();
                        break;
                    }
                case 5: {
                        message.description = reader.string();
                        break;
                    }
                case 6: {
                        message.description_kind = reader.int32();
                        break;
                    }
                case 7: {
                        message.deprecation_message = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Function.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.Function)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.Function: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.Function();
            if (object.parameters) {
                if (!Array.isArray(object.parameters))
                    throw TypeError(".tfplugin6.Function.parameters: array expected");
                message.parameters = [];
                for (var i = 0; i < object.parameters.length; ++i) {
                    if (!$util.isObject(object.parameters[i]))
                        throw TypeError(".tfplugin6.Function.parameters: object expected");
                    message.parameters[i] = $root.tfplugin6.Function.Parameter.fromObject(object.parameters[i], long + 1);
                }
            }
            if (object.variadic_parameter != null) {
                if (!$util.isObject(object.variadic_parameter))
                    throw TypeError(".tfplugin6.Function.variadic_parameter: object expected");
                message.variadic_parameter = $root.tfplugin6.Function.Parameter.fromObject(object.variadic_parameter, long + 1);
            }
            if (object["return"] != null) {
                if (!$util.isObject(object["return"]))
                    throw TypeError(".tfplugin6.Function.return: object expected");
                message["return"] = $root.tfplugin6.Function.Return.fromObject(object["return"], long + 1);
            }
            if (object.summary != null)
                message.summary = String(object.summary);
            if (object.description != null)
                message.description = String(object.description);
            switch (object.description_kind) {
            default:
                if (typeof object.description_kind === "number") {
                    message.description_kind = object.description_kind;
                    break;
                }
                break;
            case "PLAIN":
            case 0:
                message.description_kind = 0;
                break;
            case "MARKDOWN":
            case 1:
                message.description_kind = 1;
                break;
            }
            if (object.deprecation_message != null)
                message.deprecation_message = String(object.deprecation_message);
            return message;
        };

        Function.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.parameters = [];
            if (options.defaults) {
                object.variadic_parameter = null;
                object["return"] = null;
                object.summary = "";
                object.description = "";
                object.description_kind = options.enums === String ? "PLAIN" : 0;
                object.deprecation_message = "";
            }
            if (message.parameters && message.parameters.length) {
                object.parameters = [];
                for (var j = 0; j < message.parameters.length; ++j)
                    object.parameters[j] = $root.tfplugin6.Function.Parameter.toObject(message.parameters[j], options, q + 1);
            }
            if (message.variadic_parameter != null && Object.hasOwnProperty.call(message, "variadic_parameter"))
                object.variadic_parameter = $root.tfplugin6.Function.Parameter.toObject(message.variadic_parameter, options, q + 1);
            if (message["return"] != null && Object.hasOwnProperty.call(message, "return"))
                object["return"] = $root.tfplugin6.Function.Return.toObject(message["return"], options, q + 1);
            if (message.summary != null && Object.hasOwnProperty.call(message, "summary"))
                object.summary = message.summary;
            if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                object.description = message.description;
            if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                object.description_kind = options.enums === String ? $root.tfplugin6.StringKind[message.description_kind] === undefined ? message.description_kind : $root.tfplugin6.StringKind[message.description_kind] : message.description_kind;
            if (message.deprecation_message != null && Object.hasOwnProperty.call(message, "deprecation_message"))
                object.deprecation_message = message.deprecation_message;
            return object;
        };

        Function.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Function.Parameter = (function() {

            function Parameter(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Parameter.prototype.name = "";
            Parameter.prototype.type = $util.newBuffer([]);
            Parameter.prototype.allow_null_value = false;
            Parameter.prototype.allow_unknown_values = false;
            Parameter.prototype.description = "";
            Parameter.prototype.description_kind = 0;

            Parameter.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(10).string(message.name);
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    writer.uint32(18).bytes(message.type);
                if (message.allow_null_value != null && Object.hasOwnProperty.call(message, "allow_null_value"))
                    writer.uint32(24).bool(message.allow_null_value);
                if (message.allow_unknown_values != null && Object.hasOwnProperty.call(message, "allow_unknown_values"))
                    writer.uint32(32).bool(message.allow_unknown_values);
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    writer.uint32(42).string(message.description);
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    writer.uint32(48).int32(message.description_kind);
                return writer;
            };

            Parameter.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Function.Parameter();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.name = reader.string();
                            break;
                        }
                    case 2: {
                            message.type = reader.bytes();
                            break;
                        }
                    case 3: {
                            message.allow_null_value = reader.bool();
                            break;
                        }
                    case 4: {
                            message.allow_unknown_values = reader.bool();
                            break;
                        }
                    case 5: {
                            message.description = reader.string();
                            break;
                        }
                    case 6: {
                            message.description_kind = reader.int32();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Parameter.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Function.Parameter)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Function.Parameter: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Function.Parameter();
                if (object.name != null)
                    message.name = String(object.name);
                if (object.type != null)
                    if (typeof object.type === "string")
                        $util.base64.decode(object.type, message.type = $util.newBuffer($util.base64.length(object.type)), 0);
                    else if (object.type.length >= 0)
                        message.type = object.type;
                if (object.allow_null_value != null)
                    message.allow_null_value = Boolean(object.allow_null_value);
                if (object.allow_unknown_values != null)
                    message.allow_unknown_values = Boolean(object.allow_unknown_values);
                if (object.description != null)
                    message.description = String(object.description);
                switch (object.description_kind) {
                default:
                    if (typeof object.description_kind === "number") {
                        message.description_kind = object.description_kind;
                        break;
                    }
                    break;
                case "PLAIN":
                case 0:
                    message.description_kind = 0;
                    break;
                case "MARKDOWN":
                case 1:
                    message.description_kind = 1;
                    break;
                }
                return message;
            };

            Parameter.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.name = "";
                    if (options.bytes === String)
                        object.type = "";
                    else {
                        object.type = [];
                        if (options.bytes !== Array)
                            object.type = $util.newBuffer(object.type);
                    }
                    object.allow_null_value = false;
                    object.allow_unknown_values = false;
                    object.description = "";
                    object.description_kind = options.enums === String ? "PLAIN" : 0;
                }
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    object.type = options.bytes === String ? $util.base64.encode(message.type, 0, message.type.length) : options.bytes === Array ? Array.prototype.slice.call(message.type) : message.type;
                if (message.allow_null_value != null && Object.hasOwnProperty.call(message, "allow_null_value"))
                    object.allow_null_value = message.allow_null_value;
                if (message.allow_unknown_values != null && Object.hasOwnProperty.call(message, "allow_unknown_values"))
                    object.allow_unknown_values = message.allow_unknown_values;
                if (message.description != null && Object.hasOwnProperty.call(message, "description"))
                    object.description = message.description;
                if (message.description_kind != null && Object.hasOwnProperty.call(message, "description_kind"))
                    object.description_kind = options.enums === String ? $root.tfplugin6.StringKind[message.description_kind] === undefined ? message.description_kind : $root.tfplugin6.StringKind[message.description_kind] : message.description_kind;
                return object;
            };

            Parameter.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Parameter;
        })();

        Function.Return = (function() {

            function Return(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Return.prototype.type = $util.newBuffer([]);

            Return.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    writer.uint32(10).bytes(message.type);
                return writer;
            };

            Return.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.Function.Return();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Return.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.Function.Return)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.Function.Return: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.Function.Return();
                if (object.type != null)
                    if (typeof object.type === "string")
                        $util.base64.decode(object.type, message.type = $util.newBuffer($util.base64.length(object.type)), 0);
                    else if (object.type.length >= 0)
                        message.type = object.type;
                return message;
            };

            Return.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    if (options.bytes === String)
                        object.type = "";
                    else {
                        object.type = [];
                        if (options.bytes !== Array)
                            object.type = $util.newBuffer(object.type);
                    }
                if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                    object.type = options.bytes === String ? $util.base64.encode(message.type, 0, message.type.length) : options.bytes === Array ? Array.prototype.slice.call(message.type) : message.type;
                return object;
            };

            Return.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Return;
        })();

        return Function;
    })();

    tfplugin6.ServerCapabilities = (function() {

        function ServerCapabilities(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ServerCapabilities.prototype.plan_destroy = false;
        ServerCapabilities.prototype.get_provider_schema_optional = false;
        ServerCapabilities.prototype.move_resource_state = false;

        ServerCapabilities.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.plan_destroy != null && Object.hasOwnProperty.call(message, "plan_destroy"))
                writer.uint32(8).bool(message.plan_destroy);
            if (message.get_provider_schema_optional != null && Object.hasOwnProperty.call(message, "get_provider_schema_optional"))
                writer.uint32(16).bool(message.get_provider_schema_optional);
            if (message.move_resource_state != null && Object.hasOwnProperty.call(message, "move_resource_state"))
                writer.uint32(24).bool(message.move_resource_state);
            return writer;
        };

        ServerCapabilities.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ServerCapabilities();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.plan_destroy = reader.bool();
                        break;
                    }
                case 2: {
                        message.get_provider_schema_optional = reader.bool();
                        break;
                    }
                case 3: {
                        message.move_resource_state = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ServerCapabilities.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ServerCapabilities)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.ServerCapabilities: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.ServerCapabilities();
            if (object.plan_destroy != null)
                message.plan_destroy = Boolean(object.plan_destroy);
            if (object.get_provider_schema_optional != null)
                message.get_provider_schema_optional = Boolean(object.get_provider_schema_optional);
            if (object.move_resource_state != null)
                message.move_resource_state = Boolean(object.move_resource_state);
            return message;
        };

        ServerCapabilities.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.plan_destroy = false;
                object.get_provider_schema_optional = false;
                object.move_resource_state = false;
            }
            if (message.plan_destroy != null && Object.hasOwnProperty.call(message, "plan_destroy"))
                object.plan_destroy = message.plan_destroy;
            if (message.get_provider_schema_optional != null && Object.hasOwnProperty.call(message, "get_provider_schema_optional"))
                object.get_provider_schema_optional = message.get_provider_schema_optional;
            if (message.move_resource_state != null && Object.hasOwnProperty.call(message, "move_resource_state"))
                object.move_resource_state = message.move_resource_state;
            return object;
        };

        ServerCapabilities.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return ServerCapabilities;
    })();

    tfplugin6.ClientCapabilities = (function() {

        function ClientCapabilities(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ClientCapabilities.prototype.deferral_allowed = false;
        ClientCapabilities.prototype.write_only_attributes_allowed = false;

        ClientCapabilities.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.deferral_allowed != null && Object.hasOwnProperty.call(message, "deferral_allowed"))
                writer.uint32(8).bool(message.deferral_allowed);
            if (message.write_only_attributes_allowed != null && Object.hasOwnProperty.call(message, "write_only_attributes_allowed"))
                writer.uint32(16).bool(message.write_only_attributes_allowed);
            return writer;
        };

        ClientCapabilities.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ClientCapabilities();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.deferral_allowed = reader.bool();
                        break;
                    }
                case 2: {
                        message.write_only_attributes_allowed = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ClientCapabilities.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ClientCapabilities)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.ClientCapabilities: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.ClientCapabilities();
            if (object.deferral_allowed != null)
                message.deferral_allowed = Boolean(object.deferral_allowed);
            if (object.write_only_attributes_allowed != null)
                message.write_only_attributes_allowed = Boolean(object.write_only_attributes_allowed);
            return message;
        };

        ClientCapabilities.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.deferral_allowed = false;
                object.write_only_attributes_allowed = false;
            }
            if (message.deferral_allowed != null && Object.hasOwnProperty.call(message, "deferral_allowed"))
                object.deferral_allowed = message.deferral_allowed;
            if (message.write_only_attributes_allowed != null && Object.hasOwnProperty.call(message, "write_only_attributes_allowed"))
                object.write_only_attributes_allowed = message.write_only_attributes_allowed;
            return object;
        };

        ClientCapabilities.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return ClientCapabilities;
    })();

    tfplugin6.Deferred = (function() {

        function Deferred(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Deferred.prototype.reason = 0;

        Deferred.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.reason != null && Object.hasOwnProperty.call(message, "reason"))
                writer.uint32(8).int32(message.reason);
            return writer;
        };

        Deferred.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.Deferred();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.reason = reader.int32();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Deferred.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.Deferred)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".tfplugin6.Deferred: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.tfplugin6.Deferred();
            switch (object.reason) {
            default:
                if (typeof object.reason === "number") {
                    message.reason = object.reason;
                    break;
                }
                break;
            case "UNKNOWN":
            case 0:
                message.reason = 0;
                break;
            case "RESOURCE_CONFIG_UNKNOWN":
            case 1:
                message.reason = 1;
                break;
            case "PROVIDER_CONFIG_UNKNOWN":
            case 2:
                message.reason = 2;
                break;
            case "ABSENT_PREREQ":
            case 3:
                message.reason = 3;
                break;
            }
            return message;
        };

        Deferred.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.reason = options.enums === String ? "UNKNOWN" : 0;
            if (message.reason != null && Object.hasOwnProperty.call(message, "reason"))
                object.reason = options.enums === String ? $root.tfplugin6.Deferred.Reason[message.reason] === undefined ? message.reason : $root.tfplugin6.Deferred.Reason[message.reason] : message.reason;
            return object;
        };

        Deferred.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Deferred.Reason = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "UNKNOWN"] = 0;
            values[valuesById[1] = "RESOURCE_CONFIG_UNKNOWN"] = 1;
            values[valuesById[2] = "PROVIDER_CONFIG_UNKNOWN"] = 2;
            values[valuesById[3] = "ABSENT_PREREQ"] = 3;
            return values;
        })();

        return Deferred;
    })();

    tfplugin6.GetMetadata = (function() {

        function GetMetadata(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        GetMetadata.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        GetMetadata.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.GetMetadata();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        GetMetadata.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.GetMetadata)
                return object;
            return new $root.tfplugin6.GetMetadata();
        };

        GetMetadata.toObject = function toObject() {
            return {};
        };

        GetMetadata.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        GetMetadata.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.Request)
                    return object;
                return new $root.tfplugin6.GetMetadata.Request();
            };

            Request.toObject = function toObject() {
                return {};
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        GetMetadata.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                this.data_sources = [];
                this.resources = [];
                this.functions = [];
                this.ephemeral_resources = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.server_capabilities = null;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.data_sources = $util.emptyArray;
            Response.prototype.resources = $util.emptyArray;
            Response.prototype.functions = $util.emptyArray;
            Response.prototype.ephemeral_resources = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.server_capabilities != null && Object.hasOwnProperty.call(message, "server_capabilities"))
                    $root.tfplugin6.ServerCapabilities.encode(message.server_capabilities, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.data_sources != null && message.data_sources.length)
                    for (var i = 0; i < message.data_sources.length; ++i)
                        $root.tfplugin6.GetMetadata.DataSourceMetadata.encode(message.data_sources[i], writer.uint32(26).fork(), q + 1).ldelim();
                if (message.resources != null && message.resources.length)
                    for (var i = 0; i < message.resources.length; ++i)
                        $root.tfplugin6.GetMetadata.ResourceMetadata.encode(message.resources[i], writer.uint32(34).fork(), q + 1).ldelim();
                if (message.functions != null && message.functions.length)
                    for (var i = 0; i < message.functions.length; ++i)
                        $root.tfplugin6.GetMetadata.FunctionMetadata.encode(message.functions[i], writer.uint32(42).fork(), q + 1).ldelim();
                if (message.ephemeral_resources != null && message.ephemeral_resources.length)
                    for (var i = 0; i < message.ephemeral_resources.length; ++i)
                        $root.tfplugin6.GetMetadata.EphemeralMetadata.encode(message.ephemeral_resources[i], writer.uint32(50).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.server_capabilities = $root.tfplugin6.ServerCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            if (!(message.data_sources && message.data_sources.length))
                                message.data_sources = [];
                            message.data_sources.push($root.tfplugin6.GetMetadata.DataSourceMetadata.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 4: {
                            if (!(message.resources && message.resources.length))
                                message.resources = [];
                            message.resources.push($root.tfplugin6.GetMetadata.ResourceMetadata.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 5: {
                            if (!(message.functions && message.functions.length))
                                message.functions = [];
                            message.functions.push($root.tfplugin6.GetMetadata.FunctionMetadata.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 6: {
                            if (!(message.ephemeral_resources && message.ephemeral_resources.length))
                                message.ephemeral_resources = [];
                            message.ephemeral_resources.push($root.tfplugin6.GetMetadata.EphemeralMetadata.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetMetadata.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetMetadata.Response();
                if (object.server_capabilities != null) {
                    if (!$util.isObject(object.server_capabilities))
                        throw TypeError(".tfplugin6.GetMetadata.Response.server_capabilities: object expected");
                    message.server_capabilities = $root.tfplugin6.ServerCapabilities.fromObject(object.server_capabilities, long + 1);
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.GetMetadata.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.GetMetadata.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.data_sources) {
                    if (!Array.isArray(object.data_sources))
                        throw TypeError(".tfplugin6.GetMetadata.Response.data_sources: array expected");
                    message.data_sources = [];
                    for (var i = 0; i < object.data_sources.length; ++i) {
                        if (!$util.isObject(object.data_sources[i]))
                            throw TypeError(".tfplugin6.GetMetadata.Response.data_sources: object expected");
                        message.data_sources[i] = $root.tfplugin6.GetMetadata.DataSourceMetadata.fromObject(object.data_sources[i], long + 1);
                    }
                }
                if (object.resources) {
                    if (!Array.isArray(object.resources))
                        throw TypeError(".tfplugin6.GetMetadata.Response.resources: array expected");
                    message.resources = [];
                    for (var i = 0; i < object.resources.length; ++i) {
                        if (!$util.isObject(object.resources[i]))
                            throw TypeError(".tfplugin6.GetMetadata.Response.resources: object expected");
                        message.resources[i] = $root.tfplugin6.GetMetadata.ResourceMetadata.fromObject(object.resources[i], long + 1);
                    }
                }
                if (object.functions) {
                    if (!Array.isArray(object.functions))
                        throw TypeError(".tfplugin6.GetMetadata.Response.functions: array expected");
                    message.functions = [];
                    for (var i = 0; i < object.functions.length; ++i) {
                        if (!$util.isObject(object.functions[i]))
                            throw TypeError(".tfplugin6.GetMetadata.Response.functions: object expected");
                        message.functions[i] = $root.tfplugin6.GetMetadata.FunctionMetadata.fromObject(object.functions[i], long + 1);
                    }
                }
                if (object.ephemeral_resources) {
                    if (!Array.isArray(object.ephemeral_resources))
                        throw TypeError(".tfplugin6.GetMetadata.Response.ephemeral_resources: array expected");
                    message.ephemeral_resources = [];
                    for (var i = 0; i < object.ephemeral_resources.length; ++i) {
                        if (!$util.isObject(object.ephemeral_resources[i]))
                            throw TypeError(".tfplugin6.GetMetadata.Response.ephemeral_resources: object expected");
                        message.ephemeral_resources[i] = $root.tfplugin6.GetMetadata.EphemeralMetadata.fromObject(object.ephemeral_resources[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults) {
                    object.diagnostics = [];
                    object.data_sources = [];
                    object.resources = [];
                    object.functions = [];
                    object.ephemeral_resources = [];
                }
                if (options.defaults)
                    object.server_capabilities = null;
                if (message.server_capabilities != null && Object.hasOwnProperty.call(message, "server_capabilities"))
                    object.server_capabilities = $root.tfplugin6.ServerCapabilities.toObject(message.server_capabilities, options, q + 1);
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.data_sources && message.data_sources.length) {
                    object.data_sources = [];
                    for (var j = 0; j < message.data_sources.length; ++j)
                        object.data_sources[j] = $root.tfplugin6.GetMetadata.DataSourceMetadata.toObject(message.data_sources[j], options, q + 1);
                }
                if (message.resources && message.resources.length) {
                    object.resources = [];
                    for (var j = 0; j < message.resources.length; ++j)
                        object.resources[j] = $root.tfplugin6.GetMetadata.ResourceMetadata.toObject(message.resources[j], options, q + 1);
                }
                if (message.functions && message.functions.length) {
                    object.functions = [];
                    for (var j = 0; j < message.functions.length; ++j)
                        object.functions[j] = $root.tfplugin6.GetMetadata.FunctionMetadata.toObject(message.functions[j], options, q + 1);
                }
                if (message.ephemeral_resources && message.ephemeral_resources.length) {
                    object.ephemeral_resources = [];
                    for (var j = 0; j < message.ephemeral_resources.length; ++j)
                        object.ephemeral_resources[j] = $root.tfplugin6.GetMetadata.EphemeralMetadata.toObject(message.ephemeral_resources[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        GetMetadata.EphemeralMetadata = (function() {

            function EphemeralMetadata(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            EphemeralMetadata.prototype.type_name = "";

            EphemeralMetadata.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                return writer;
            };

            EphemeralMetadata.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.EphemeralMetadata();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            EphemeralMetadata.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.EphemeralMetadata)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetMetadata.EphemeralMetadata: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetMetadata.EphemeralMetadata();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                return message;
            };

            EphemeralMetadata.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.type_name = "";
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                return object;
            };

            EphemeralMetadata.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return EphemeralMetadata;
        })();

        GetMetadata.FunctionMetadata = (function() {

            function FunctionMetadata(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            FunctionMetadata.prototype.name = "";

            FunctionMetadata.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(10).string(message.name);
                return writer;
            };

            FunctionMetadata.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.FunctionMetadata();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.name = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            FunctionMetadata.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.FunctionMetadata)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetMetadata.FunctionMetadata: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetMetadata.FunctionMetadata();
                if (object.name != null)
                    message.name = String(object.name);
                return message;
            };

            FunctionMetadata.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.name = "";
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                return object;
            };

            FunctionMetadata.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return FunctionMetadata;
        })();

        GetMetadata.DataSourceMetadata = (function() {

            function DataSourceMetadata(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            DataSourceMetadata.prototype.type_name = "";

            DataSourceMetadata.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                return writer;
            };

            DataSourceMetadata.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.DataSourceMetadata();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            DataSourceMetadata.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.DataSourceMetadata)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetMetadata.DataSourceMetadata: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetMetadata.DataSourceMetadata();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                return message;
            };

            DataSourceMetadata.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.type_name = "";
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                return object;
            };

            DataSourceMetadata.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return DataSourceMetadata;
        })();

        GetMetadata.ResourceMetadata = (function() {

            function ResourceMetadata(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            ResourceMetadata.prototype.type_name = "";

            ResourceMetadata.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                return writer;
            };

            ResourceMetadata.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetMetadata.ResourceMetadata();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            ResourceMetadata.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetMetadata.ResourceMetadata)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetMetadata.ResourceMetadata: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetMetadata.ResourceMetadata();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                return message;
            };

            ResourceMetadata.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.type_name = "";
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                return object;
            };

            ResourceMetadata.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return ResourceMetadata;
        })();

        return GetMetadata;
    })();

    tfplugin6.GetProviderSchema = (function() {

        function GetProviderSchema(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        GetProviderSchema.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        GetProviderSchema.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.GetProviderSchema();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        GetProviderSchema.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.GetProviderSchema)
                return object;
            return new $root.tfplugin6.GetProviderSchema();
        };

        GetProviderSchema.toObject = function toObject() {
            return {};
        };

        GetProviderSchema.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        GetProviderSchema.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetProviderSchema.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetProviderSchema.Request)
                    return object;
                return new $root.tfplugin6.GetProviderSchema.Request();
            };

            Request.toObject = function toObject() {
                return {};
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        GetProviderSchema.Response = (function() {

            function Response(properties) {
                this.resource_schemas = {};
                this.data_source_schemas = {};
                this.functions = {};
                this.ephemeral_resource_schemas = {};
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.provider = null;
            Response.prototype.resource_schemas = $util.emptyObject;
            Response.prototype.data_source_schemas = $util.emptyObject;
            Response.prototype.functions = $util.emptyObject;
            Response.prototype.ephemeral_resource_schemas = $util.emptyObject;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.provider_meta = null;
            Response.prototype.server_capabilities = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.provider != null && Object.hasOwnProperty.call(message, "provider"))
                    $root.tfplugin6.Schema.encode(message.provider, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.resource_schemas != null && Object.hasOwnProperty.call(message, "resource_schemas"))
                    for (var keys = Object.keys(message.resource_schemas), i = 0; i < keys.length; ++i) {
                        writer.uint32(18).fork().uint32(10).string(keys[i]);
                        $root.tfplugin6.Schema.encode(message.resource_schemas[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                if (message.data_source_schemas != null && Object.hasOwnProperty.call(message, "data_source_schemas"))
                    for (var keys = Object.keys(message.data_source_schemas), i = 0; i < keys.length; ++i) {
                        writer.uint32(26).fork().uint32(10).string(keys[i]);
                        $root.tfplugin6.Schema.encode(message.data_source_schemas[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(34).fork(), q + 1).ldelim();
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    $root.tfplugin6.Schema.encode(message.provider_meta, writer.uint32(42).fork(), q + 1).ldelim();
                if (message.server_capabilities != null && Object.hasOwnProperty.call(message, "server_capabilities"))
                    $root.tfplugin6.ServerCapabilities.encode(message.server_capabilities, writer.uint32(50).fork(), q + 1).ldelim();
                if (message.functions != null && Object.hasOwnProperty.call(message, "functions"))
                    for (var keys = Object.keys(message.functions), i = 0; i < keys.length; ++i) {
                        writer.uint32(58).fork().uint32(10).string(keys[i]);
                        $root.tfplugin6.Function.encode(message.functions[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                if (message.ephemeral_resource_schemas != null && Object.hasOwnProperty.call(message, "ephemeral_resource_schemas"))
                    for (var keys = Object.keys(message.ephemeral_resource_schemas), i = 0; i < keys.length; ++i) {
                        writer.uint32(66).fork().uint32(10).string(keys[i]);
                        $root.tfplugin6.Schema.encode(message.ephemeral_resource_schemas[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message, key, value;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetProviderSchema.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.provider = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (message.resource_schemas === $util.emptyObject)
                                message.resource_schemas = {};
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                var tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.resource_schemas, key);
                            message.resource_schemas[key] = value;
                            break;
                        }
                    case 3: {
                            if (message.data_source_schemas === $util.emptyObject)
                                message.data_source_schemas = {};
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                var tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.data_source_schemas, key);
                            message.data_source_schemas[key] = value;
                            break;
                        }
                    case 7: {
                            if (message.functions === $util.emptyObject)
                                message.functions = {};
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                var tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.tfplugin6.Function.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.functions, key);
                            message.functions[key] = value;
                            break;
                        }
                    case 8: {
                            if (message.ephemeral_resource_schemas === $util.emptyObject)
                                message.ephemeral_resource_schemas = {};
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                var tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.ephemeral_resource_schemas, key);
                            message.ephemeral_resource_schemas[key] = value;
                            break;
                        }
                    case 4: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 5: {
                            message.provider_meta = $root.tfplugin6.Schema.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 6: {
                            message.server_capabilities = $root.tfplugin6.ServerCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetProviderSchema.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetProviderSchema.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetProviderSchema.Response();
                if (object.provider != null) {
                    if (!$util.isObject(object.provider))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.provider: object expected");
                    message.provider = $root.tfplugin6.Schema.fromObject(object.provider, long + 1);
                }
                if (object.resource_schemas) {
                    if (!$util.isObject(object.resource_schemas))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.resource_schemas: object expected");
                    message.resource_schemas = {};
                    for (var keys = Object.keys(object.resource_schemas), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.resource_schemas, keys[i]);
                        if (!$util.isObject(object.resource_schemas[keys[i]]))
                            throw TypeError(".tfplugin6.GetProviderSchema.Response.resource_schemas: object expected");
                        message.resource_schemas[keys[i]] = $root.tfplugin6.Schema.fromObject(object.resource_schemas[keys[i]], long + 1);
                    }
                }
                if (object.data_source_schemas) {
                    if (!$util.isObject(object.data_source_schemas))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.data_source_schemas: object expected");
                    message.data_source_schemas = {};
                    for (var keys = Object.keys(object.data_source_schemas), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.data_source_schemas, keys[i]);
                        if (!$util.isObject(object.data_source_schemas[keys[i]]))
                            throw TypeError(".tfplugin6.GetProviderSchema.Response.data_source_schemas: object expected");
                        message.data_source_schemas[keys[i]] = $root.tfplugin6.Schema.fromObject(object.data_source_schemas[keys[i]], long + 1);
                    }
                }
                if (object.functions) {
                    if (!$util.isObject(object.functions))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.functions: object expected");
                    message.functions = {};
                    for (var keys = Object.keys(object.functions), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.functions, keys[i]);
                        if (!$util.isObject(object.functions[keys[i]]))
                            throw TypeError(".tfplugin6.GetProviderSchema.Response.functions: object expected");
                        message.functions[keys[i]] = $root.tfplugin6.Function.fromObject(object.functions[keys[i]], long + 1);
                    }
                }
                if (object.ephemeral_resource_schemas) {
                    if (!$util.isObject(object.ephemeral_resource_schemas))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.ephemeral_resource_schemas: object expected");
                    message.ephemeral_resource_schemas = {};
                    for (var keys = Object.keys(object.ephemeral_resource_schemas), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.ephemeral_resource_schemas, keys[i]);
                        if (!$util.isObject(object.ephemeral_resource_schemas[keys[i]]))
                            throw TypeError(".tfplugin6.GetProviderSchema.Response.ephemeral_resource_schemas: object expected");
                        message.ephemeral_resource_schemas[keys[i]] = $root.tfplugin6.Schema.fromObject(object.ephemeral_resource_schemas[keys[i]], long + 1);
                    }
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.GetProviderSchema.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.provider_meta != null) {
                    if (!$util.isObject(object.provider_meta))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.provider_meta: object expected");
                    message.provider_meta = $root.tfplugin6.Schema.fromObject(object.provider_meta, long + 1);
                }
                if (object.server_capabilities != null) {
                    if (!$util.isObject(object.server_capabilities))
                        throw TypeError(".tfplugin6.GetProviderSchema.Response.server_capabilities: object expected");
                    message.server_capabilities = $root.tfplugin6.ServerCapabilities.fromObject(object.server_capabilities, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.objects || options.defaults) {
                    object.resource_schemas = {};
                    object.data_source_schemas = {};
                    object.functions = {};
                    object.ephemeral_resource_schemas = {};
                }
                if (options.defaults) {
                    object.provider = null;
                    object.provider_meta = null;
                    object.server_capabilities = null;
                }
                if (message.provider != null && Object.hasOwnProperty.call(message, "provider"))
                    object.provider = $root.tfplugin6.Schema.toObject(message.provider, options, q + 1);
                var keys2;
                if (message.resource_schemas && (keys2 = Object.keys(message.resource_schemas)).length) {
                    object.resource_schemas = {};
                    for (var j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.resource_schemas, keys2[j]);
                        object.resource_schemas[keys2[j]] = $root.tfplugin6.Schema.toObject(message.resource_schemas[keys2[j]], options, q + 1);
                    }
                }
                if (message.data_source_schemas && (keys2 = Object.keys(message.data_source_schemas)).length) {
                    object.data_source_schemas = {};
                    for (var j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.data_source_schemas, keys2[j]);
                        object.data_source_schemas[keys2[j]] = $root.tfplugin6.Schema.toObject(message.data_source_schemas[keys2[j]], options, q + 1);
                    }
                }
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    object.provider_meta = $root.tfplugin6.Schema.toObject(message.provider_meta, options, q + 1);
                if (message.server_capabilities != null && Object.hasOwnProperty.call(message, "server_capabilities"))
                    object.server_capabilities = $root.tfplugin6.ServerCapabilities.toObject(message.server_capabilities, options, q + 1);
                if (message.functions && (keys2 = Object.keys(message.functions)).length) {
                    object.functions = {};
                    for (var j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.functions, keys2[j]);
                        object.functions[keys2[j]] = $root.tfplugin6.Function.toObject(message.functions[keys2[j]], options, q + 1);
                    }
                }
                if (message.ephemeral_resource_schemas && (keys2 = Object.keys(message.ephemeral_resource_schemas)).length) {
                    object.ephemeral_resource_schemas = {};
                    for (var j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.ephemeral_resource_schemas, keys2[j]);
                        object.ephemeral_resource_schemas[keys2[j]] = $root.tfplugin6.Schema.toObject(message.ephemeral_resource_schemas[keys2[j]], options, q + 1);
                    }
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return GetProviderSchema;
    })();

    tfplugin6.ValidateProviderConfig = (function() {

        function ValidateProviderConfig(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ValidateProviderConfig.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ValidateProviderConfig.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ValidateProviderConfig();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ValidateProviderConfig.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ValidateProviderConfig)
                return object;
            return new $root.tfplugin6.ValidateProviderConfig();
        };

        ValidateProviderConfig.toObject = function toObject() {
            return {};
        };

        ValidateProviderConfig.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ValidateProviderConfig.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.config = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateProviderConfig.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateProviderConfig.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateProviderConfig.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateProviderConfig.Request();
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ValidateProviderConfig.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.config = null;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ValidateProviderConfig.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateProviderConfig.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateProviderConfig.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateProviderConfig.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateProviderConfig.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ValidateProviderConfig.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ValidateProviderConfig.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ValidateProviderConfig;
    })();

    tfplugin6.UpgradeResourceState = (function() {

        function UpgradeResourceState(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        UpgradeResourceState.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        UpgradeResourceState.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.UpgradeResourceState();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        UpgradeResourceState.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.UpgradeResourceState)
                return object;
            return new $root.tfplugin6.UpgradeResourceState();
        };

        UpgradeResourceState.toObject = function toObject() {
            return {};
        };

        UpgradeResourceState.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        UpgradeResourceState.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            Request.prototype.raw_state = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                    writer.uint32(16).int64(message.version);
                if (message.raw_state != null && Object.hasOwnProperty.call(message, "raw_state"))
                    $root.tfplugin6.RawState.encode(message.raw_state, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.UpgradeResourceState.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.version = reader.int64();
                            break;
                        }
                    case 3: {
                            message.raw_state = $root.tfplugin6.RawState.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.UpgradeResourceState.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.UpgradeResourceState.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.UpgradeResourceState.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.version != null)
                    if ($util.Long)
                        message.version = $util.Long.fromValue(object.version, false);
                    else if (typeof object.version === "string")
                        message.version = parseInt(object.version, 10);
                    else if (typeof object.version === "number")
                        message.version = object.version;
                    else if (typeof object.version === "object")
                        message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
                if (object.raw_state != null) {
                    if (!$util.isObject(object.raw_state))
                        throw TypeError(".tfplugin6.UpgradeResourceState.Request.raw_state: object expected");
                    message.raw_state = $root.tfplugin6.RawState.fromObject(object.raw_state, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.version = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.version = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    object.raw_state = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.version = typeof message.version === "number" ? BigInt(message.version) : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
                    else if (typeof message.version === "number")
                        object.version = options.longs === String ? String(message.version) : message.version;
                    else
                        object.version = options.longs === String ? $util.Long.prototype.toString.call(message.version) : options.longs === Number ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber() : message.version;
                if (message.raw_state != null && Object.hasOwnProperty.call(message, "raw_state"))
                    object.raw_state = $root.tfplugin6.RawState.toObject(message.raw_state, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        UpgradeResourceState.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.upgraded_state = null;
            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.upgraded_state != null && Object.hasOwnProperty.call(message, "upgraded_state"))
                    $root.tfplugin6.DynamicValue.encode(message.upgraded_state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.UpgradeResourceState.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.upgraded_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.UpgradeResourceState.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.UpgradeResourceState.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.UpgradeResourceState.Response();
                if (object.upgraded_state != null) {
                    if (!$util.isObject(object.upgraded_state))
                        throw TypeError(".tfplugin6.UpgradeResourceState.Response.upgraded_state: object expected");
                    message.upgraded_state = $root.tfplugin6.DynamicValue.fromObject(object.upgraded_state, long + 1);
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.UpgradeResourceState.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.UpgradeResourceState.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults)
                    object.upgraded_state = null;
                if (message.upgraded_state != null && Object.hasOwnProperty.call(message, "upgraded_state"))
                    object.upgraded_state = $root.tfplugin6.DynamicValue.toObject(message.upgraded_state, options, q + 1);
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return UpgradeResourceState;
    })();

    tfplugin6.ValidateResourceConfig = (function() {

        function ValidateResourceConfig(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ValidateResourceConfig.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ValidateResourceConfig.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ValidateResourceConfig();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ValidateResourceConfig.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ValidateResourceConfig)
                return object;
            return new $root.tfplugin6.ValidateResourceConfig();
        };

        ValidateResourceConfig.toObject = function toObject() {
            return {};
        };

        ValidateResourceConfig.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ValidateResourceConfig.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.config = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateResourceConfig.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateResourceConfig.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateResourceConfig.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateResourceConfig.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ValidateResourceConfig.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.ValidateResourceConfig.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.config = null;
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ValidateResourceConfig.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateResourceConfig.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateResourceConfig.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateResourceConfig.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateResourceConfig.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ValidateResourceConfig.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ValidateResourceConfig.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ValidateResourceConfig;
    })();

    tfplugin6.ValidateDataResourceConfig = (function() {

        function ValidateDataResourceConfig(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ValidateDataResourceConfig.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ValidateDataResourceConfig.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ValidateDataResourceConfig();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ValidateDataResourceConfig.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ValidateDataResourceConfig)
                return object;
            return new $root.tfplugin6.ValidateDataResourceConfig();
        };

        ValidateDataResourceConfig.toObject = function toObject() {
            return {};
        };

        ValidateDataResourceConfig.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ValidateDataResourceConfig.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.config = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateDataResourceConfig.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateDataResourceConfig.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateDataResourceConfig.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateDataResourceConfig.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ValidateDataResourceConfig.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.config = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ValidateDataResourceConfig.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateDataResourceConfig.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateDataResourceConfig.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateDataResourceConfig.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateDataResourceConfig.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ValidateDataResourceConfig.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ValidateDataResourceConfig.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ValidateDataResourceConfig;
    })();

    tfplugin6.ValidateEphemeralResourceConfig = (function() {

        function ValidateEphemeralResourceConfig(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ValidateEphemeralResourceConfig.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ValidateEphemeralResourceConfig.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ValidateEphemeralResourceConfig();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ValidateEphemeralResourceConfig.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ValidateEphemeralResourceConfig)
                return object;
            return new $root.tfplugin6.ValidateEphemeralResourceConfig();
        };

        ValidateEphemeralResourceConfig.toObject = function toObject() {
            return {};
        };

        ValidateEphemeralResourceConfig.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ValidateEphemeralResourceConfig.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.config = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateEphemeralResourceConfig.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateEphemeralResourceConfig.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateEphemeralResourceConfig.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateEphemeralResourceConfig.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ValidateEphemeralResourceConfig.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.config = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ValidateEphemeralResourceConfig.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ValidateEphemeralResourceConfig.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ValidateEphemeralResourceConfig.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ValidateEphemeralResourceConfig.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ValidateEphemeralResourceConfig.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ValidateEphemeralResourceConfig.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ValidateEphemeralResourceConfig.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ValidateEphemeralResourceConfig;
    })();

    tfplugin6.ConfigureProvider = (function() {

        function ConfigureProvider(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ConfigureProvider.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ConfigureProvider.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ConfigureProvider();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ConfigureProvider.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ConfigureProvider)
                return object;
            return new $root.tfplugin6.ConfigureProvider();
        };

        ConfigureProvider.toObject = function toObject() {
            return {};
        };

        ConfigureProvider.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ConfigureProvider.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.terraform_version = "";
            Request.prototype.config = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.terraform_version != null && Object.hasOwnProperty.call(message, "terraform_version"))
                    writer.uint32(10).string(message.terraform_version);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ConfigureProvider.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.terraform_version = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ConfigureProvider.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ConfigureProvider.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ConfigureProvider.Request();
                if (object.terraform_version != null)
                    message.terraform_version = String(object.terraform_version);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ConfigureProvider.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.ConfigureProvider.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.terraform_version = "";
                    object.config = null;
                    object.client_capabilities = null;
                }
                if (message.terraform_version != null && Object.hasOwnProperty.call(message, "terraform_version"))
                    object.terraform_version = message.terraform_version;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ConfigureProvider.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ConfigureProvider.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ConfigureProvider.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ConfigureProvider.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ConfigureProvider.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ConfigureProvider.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ConfigureProvider.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ConfigureProvider;
    })();

    tfplugin6.ReadResource = (function() {

        function ReadResource(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ReadResource.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ReadResource.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ReadResource();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ReadResource.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ReadResource)
                return object;
            return new $root.tfplugin6.ReadResource();
        };

        ReadResource.toObject = function toObject() {
            return {};
        };

        ReadResource.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ReadResource.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.current_state = null;
            Request.prototype["private"] = $util.newBuffer([]);
            Request.prototype.provider_meta = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.current_state != null && Object.hasOwnProperty.call(message, "current_state"))
                    $root.tfplugin6.DynamicValue.encode(message.current_state, writer.uint32(18).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(26).bytes(message["private"]);
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(34).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(42).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ReadResource.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.current_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    case 4: {
                            message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 5: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ReadResource.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ReadResource.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ReadResource.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.current_state != null) {
                    if (!$util.isObject(object.current_state))
                        throw TypeError(".tfplugin6.ReadResource.Request.current_state: object expected");
                    message.current_state = $root.tfplugin6.DynamicValue.fromObject(object.current_state, long + 1);
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                if (object.provider_meta != null) {
                    if (!$util.isObject(object.provider_meta))
                        throw TypeError(".tfplugin6.ReadResource.Request.provider_meta: object expected");
                    message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.ReadResource.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.current_state = null;
                    if (options.bytes === String)
                        object["private"] = "";
                    else {
                        object["private"] = [];
                        if (options.bytes !== Array)
                            object["private"] = $util.newBuffer(object["private"]);
                    }
                    object.provider_meta = null;
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.current_state != null && Object.hasOwnProperty.call(message, "current_state"))
                    object.current_state = $root.tfplugin6.DynamicValue.toObject(message.current_state, options, q + 1);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ReadResource.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.new_state = null;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype["private"] = $util.newBuffer([]);
            Response.prototype.deferred = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.new_state != null && Object.hasOwnProperty.call(message, "new_state"))
                    $root.tfplugin6.DynamicValue.encode(message.new_state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(26).bytes(message["private"]);
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(34).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ReadResource.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    case 4: {
                            message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ReadResource.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ReadResource.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ReadResource.Response();
                if (object.new_state != null) {
                    if (!$util.isObject(object.new_state))
                        throw TypeError(".tfplugin6.ReadResource.Response.new_state: object expected");
                    message.new_state = $root.tfplugin6.DynamicValue.fromObject(object.new_state, long + 1);
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ReadResource.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ReadResource.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                if (object.deferred != null) {
                    if (!$util.isObject(object.deferred))
                        throw TypeError(".tfplugin6.ReadResource.Response.deferred: object expected");
                    message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults) {
                    object.new_state = null;
                    if (options.bytes === String)
                        object["private"] = "";
                    else {
                        object["private"] = [];
                        if (options.bytes !== Array)
                            object["private"] = $util.newBuffer(object["private"]);
                    }
                    object.deferred = null;
                }
                if (message.new_state != null && Object.hasOwnProperty.call(message, "new_state"))
                    object.new_state = $root.tfplugin6.DynamicValue.toObject(message.new_state, options, q + 1);
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ReadResource;
    })();

    tfplugin6.PlanResourceChange = (function() {

        function PlanResourceChange(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        PlanResourceChange.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        PlanResourceChange.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.PlanResourceChange();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        PlanResourceChange.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.PlanResourceChange)
                return object;
            return new $root.tfplugin6.PlanResourceChange();
        };

        PlanResourceChange.toObject = function toObject() {
            return {};
        };

        PlanResourceChange.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        PlanResourceChange.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.prior_state = null;
            Request.prototype.proposed_new_state = null;
            Request.prototype.config = null;
            Request.prototype.prior_private = $util.newBuffer([]);
            Request.prototype.provider_meta = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.prior_state != null && Object.hasOwnProperty.call(message, "prior_state"))
                    $root.tfplugin6.DynamicValue.encode(message.prior_state, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.proposed_new_state != null && Object.hasOwnProperty.call(message, "proposed_new_state"))
                    $root.tfplugin6.DynamicValue.encode(message.proposed_new_state, writer.uint32(26).fork(), q + 1).ldelim();
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(34).fork(), q + 1).ldelim();
                if (message.prior_private != null && Object.hasOwnProperty.call(message, "prior_private"))
                    writer.uint32(42).bytes(message.prior_private);
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(50).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(58).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.PlanResourceChange.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.prior_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.proposed_new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 4: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 5: {
                            message.prior_private = reader.bytes();
                            break;
                        }
                    case 6: {
                            message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 7: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.PlanResourceChange.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.PlanResourceChange.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.PlanResourceChange.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.prior_state != null) {
                    if (!$util.isObject(object.prior_state))
                        throw TypeError(".tfplugin6.PlanResourceChange.Request.prior_state: object expected");
                    message.prior_state = $root.tfplugin6.DynamicValue.fromObject(object.prior_state, long + 1);
                }
                if (object.proposed_new_state != null) {
                    if (!$util.isObject(object.proposed_new_state))
                        throw TypeError(".tfplugin6.PlanResourceChange.Request.proposed_new_state: object expected");
                    message.proposed_new_state = $root.tfplugin6.DynamicValue.fromObject(object.proposed_new_state, long + 1);
                }
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.PlanResourceChange.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.prior_private != null)
                    if (typeof object.prior_private === "string")
                        $util.base64.decode(object.prior_private, message.prior_private = $util.newBuffer($util.base64.length(object.prior_private)), 0);
                    else if (object.prior_private.length >= 0)
                        message.prior_private = object.prior_private;
                if (object.provider_meta != null) {
                    if (!$util.isObject(object.provider_meta))
                        throw TypeError(".tfplugin6.PlanResourceChange.Request.provider_meta: object expected");
                    message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.PlanResourceChange.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.prior_state = null;
                    object.proposed_new_state = null;
                    object.config = null;
                    if (options.bytes === String)
                        object.prior_private = "";
                    else {
                        object.prior_private = [];
                        if (options.bytes !== Array)
                            object.prior_private = $util.newBuffer(object.prior_private);
                    }
                    object.provider_meta = null;
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.prior_state != null && Object.hasOwnProperty.call(message, "prior_state"))
                    object.prior_state = $root.tfplugin6.DynamicValue.toObject(message.prior_state, options, q + 1);
                if (message.proposed_new_state != null && Object.hasOwnProperty.call(message, "proposed_new_state"))
                    object.proposed_new_state = $root.tfplugin6.DynamicValue.toObject(message.proposed_new_state, options, q + 1);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.prior_private != null && Object.hasOwnProperty.call(message, "prior_private"))
                    object.prior_private = options.bytes === String ? $util.base64.encode(message.prior_private, 0, message.prior_private.length) : options.bytes === Array ? Array.prototype.slice.call(message.prior_private) : message.prior_private;
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        PlanResourceChange.Response = (function() {

            function Response(properties) {
                this.requires_replace = [];
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.planned_state = null;
            Response.prototype.requires_replace = $util.emptyArray;
            Response.prototype.planned_private = $util.newBuffer([]);
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.legacy_type_system = false;
            Response.prototype.deferred = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.planned_state != null && Object.hasOwnProperty.call(message, "planned_state"))
                    $root.tfplugin6.DynamicValue.encode(message.planned_state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.requires_replace != null && message.requires_replace.length)
                    for (var i = 0; i < message.requires_replace.length; ++i)
                        $root.tfplugin6.AttributePath.encode(message.requires_replace[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.planned_private != null && Object.hasOwnProperty.call(message, "planned_private"))
                    writer.uint32(26).bytes(message.planned_private);
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(34).fork(), q + 1).ldelim();
                if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, "legacy_type_system"))
                    writer.uint32(40).bool(message.legacy_type_system);
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(50).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.PlanResourceChange.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.planned_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.requires_replace && message.requires_replace.length))
                                message.requires_replace = [];
                            message.requires_replace.push($root.tfplugin6.AttributePath.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message.planned_private = reader.bytes();
                            break;
                        }
                    case 4: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 5: {
                            message.legacy_type_system = reader.bool();
                            break;
                        }
                    case 6: {
                            message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.PlanResourceChange.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.PlanResourceChange.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.PlanResourceChange.Response();
                if (object.planned_state != null) {
                    if (!$util.isObject(object.planned_state))
                        throw TypeError(".tfplugin6.PlanResourceChange.Response.planned_state: object expected");
                    message.planned_state = $root.tfplugin6.DynamicValue.fromObject(object.planned_state, long + 1);
                }
                if (object.requires_replace) {
                    if (!Array.isArray(object.requires_replace))
                        throw TypeError(".tfplugin6.PlanResourceChange.Response.requires_replace: array expected");
                    message.requires_replace = [];
                    for (var i = 0; i < object.requires_replace.length; ++i) {
                        if (!$util.isObject(object.requires_replace[i]))
                            throw TypeError(".tfplugin6.PlanResourceChange.Response.requires_replace: object expected");
                        message.requires_replace[i] = $root.tfplugin6.AttributePath.fromObject(object.requires_replace[i], long + 1);
                    }
                }
                if (object.planned_private != null)
                    if (typeof object.planned_private === "string")
                        $util.base64.decode(object.planned_private, message.planned_private = $util.newBuffer($util.base64.length(object.planned_private)), 0);
                    else if (object.planned_private.length >= 0)
                        message.planned_private = object.planned_private;
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.PlanResourceChange.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.PlanResourceChange.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.legacy_type_system != null)
                    message.legacy_type_system = Boolean(object.legacy_type_system);
                if (object.deferred != null) {
                    if (!$util.isObject(object.deferred))
                        throw TypeError(".tfplugin6.PlanResourceChange.Response.deferred: object expected");
                    message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults) {
                    object.requires_replace = [];
                    object.diagnostics = [];
                }
                if (options.defaults) {
                    object.planned_state = null;
                    if (options.bytes === String)
                        object.planned_private = "";
                    else {
                        object.planned_private = [];
                        if (options.bytes !== Array)
                            object.planned_private = $util.newBuffer(object.planned_private);
                    }
                    object.legacy_type_system = false;
                    object.deferred = null;
                }
                if (message.planned_state != null && Object.hasOwnProperty.call(message, "planned_state"))
                    object.planned_state = $root.tfplugin6.DynamicValue.toObject(message.planned_state, options, q + 1);
                if (message.requires_replace && message.requires_replace.length) {
                    object.requires_replace = [];
                    for (var j = 0; j < message.requires_replace.length; ++j)
                        object.requires_replace[j] = $root.tfplugin6.AttributePath.toObject(message.requires_replace[j], options, q + 1);
                }
                if (message.planned_private != null && Object.hasOwnProperty.call(message, "planned_private"))
                    object.planned_private = options.bytes === String ? $util.base64.encode(message.planned_private, 0, message.planned_private.length) : options.bytes === Array ? Array.prototype.slice.call(message.planned_private) : message.planned_private;
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, "legacy_type_system"))
                    object.legacy_type_system = message.legacy_type_system;
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return PlanResourceChange;
    })();

    tfplugin6.ApplyResourceChange = (function() {

        function ApplyResourceChange(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ApplyResourceChange.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ApplyResourceChange.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ApplyResourceChange();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ApplyResourceChange.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ApplyResourceChange)
                return object;
            return new $root.tfplugin6.ApplyResourceChange();
        };

        ApplyResourceChange.toObject = function toObject() {
            return {};
        };

        ApplyResourceChange.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ApplyResourceChange.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.prior_state = null;
            Request.prototype.planned_state = null;
            Request.prototype.config = null;
            Request.prototype.planned_private = $util.newBuffer([]);
            Request.prototype.provider_meta = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.prior_state != null && Object.hasOwnProperty.call(message, "prior_state"))
                    $root.tfplugin6.DynamicValue.encode(message.prior_state, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.planned_state != null && Object.hasOwnProperty.call(message, "planned_state"))
                    $root.tfplugin6.DynamicValue.encode(message.planned_state, writer.uint32(26).fork(), q + 1).ldelim();
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(34).fork(), q + 1).ldelim();
                if (message.planned_private != null && Object.hasOwnProperty.call(message, "planned_private"))
                    writer.uint32(42).bytes(message.planned_private);
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(50).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ApplyResourceChange.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.prior_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.planned_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 4: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 5: {
                            message.planned_private = reader.bytes();
                            break;
                        }
                    case 6: {
                            message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ApplyResourceChange.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ApplyResourceChange.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ApplyResourceChange.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.prior_state != null) {
                    if (!$util.isObject(object.prior_state))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Request.prior_state: object expected");
                    message.prior_state = $root.tfplugin6.DynamicValue.fromObject(object.prior_state, long + 1);
                }
                if (object.planned_state != null) {
                    if (!$util.isObject(object.planned_state))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Request.planned_state: object expected");
                    message.planned_state = $root.tfplugin6.DynamicValue.fromObject(object.planned_state, long + 1);
                }
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.planned_private != null)
                    if (typeof object.planned_private === "string")
                        $util.base64.decode(object.planned_private, message.planned_private = $util.newBuffer($util.base64.length(object.planned_private)), 0);
                    else if (object.planned_private.length >= 0)
                        message.planned_private = object.planned_private;
                if (object.provider_meta != null) {
                    if (!$util.isObject(object.provider_meta))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Request.provider_meta: object expected");
                    message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.prior_state = null;
                    object.planned_state = null;
                    object.config = null;
                    if (options.bytes === String)
                        object.planned_private = "";
                    else {
                        object.planned_private = [];
                        if (options.bytes !== Array)
                            object.planned_private = $util.newBuffer(object.planned_private);
                    }
                    object.provider_meta = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.prior_state != null && Object.hasOwnProperty.call(message, "prior_state"))
                    object.prior_state = $root.tfplugin6.DynamicValue.toObject(message.prior_state, options, q + 1);
                if (message.planned_state != null && Object.hasOwnProperty.call(message, "planned_state"))
                    object.planned_state = $root.tfplugin6.DynamicValue.toObject(message.planned_state, options, q + 1);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.planned_private != null && Object.hasOwnProperty.call(message, "planned_private"))
                    object.planned_private = options.bytes === String ? $util.base64.encode(message.planned_private, 0, message.planned_private.length) : options.bytes === Array ? Array.prototype.slice.call(message.planned_private) : message.planned_private;
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ApplyResourceChange.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.new_state = null;
            Response.prototype["private"] = $util.newBuffer([]);
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.legacy_type_system = false;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.new_state != null && Object.hasOwnProperty.call(message, "new_state"))
                    $root.tfplugin6.DynamicValue.encode(message.new_state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(18).bytes(message["private"]);
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(26).fork(), q + 1).ldelim();
                if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, "legacy_type_system"))
                    writer.uint32(32).bool(message.legacy_type_system);
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ApplyResourceChange.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.new_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    case 3: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 4: {
                            message.legacy_type_system = reader.bool();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ApplyResourceChange.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ApplyResourceChange.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ApplyResourceChange.Response();
                if (object.new_state != null) {
                    if (!$util.isObject(object.new_state))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Response.new_state: object expected");
                    message.new_state = $root.tfplugin6.DynamicValue.fromObject(object.new_state, long + 1);
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ApplyResourceChange.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ApplyResourceChange.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.legacy_type_system != null)
                    message.legacy_type_system = Boolean(object.legacy_type_system);
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults) {
                    object.new_state = null;
                    if (options.bytes === String)
                        object["private"] = "";
                    else {
                        object["private"] = [];
                        if (options.bytes !== Array)
                            object["private"] = $util.newBuffer(object["private"]);
                    }
                    object.legacy_type_system = false;
                }
                if (message.new_state != null && Object.hasOwnProperty.call(message, "new_state"))
                    object.new_state = $root.tfplugin6.DynamicValue.toObject(message.new_state, options, q + 1);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.legacy_type_system != null && Object.hasOwnProperty.call(message, "legacy_type_system"))
                    object.legacy_type_system = message.legacy_type_system;
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ApplyResourceChange;
    })();

    tfplugin6.ImportResourceState = (function() {

        function ImportResourceState(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ImportResourceState.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ImportResourceState.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ImportResourceState();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ImportResourceState.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ImportResourceState)
                return object;
            return new $root.tfplugin6.ImportResourceState();
        };

        ImportResourceState.toObject = function toObject() {
            return {};
        };

        ImportResourceState.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ImportResourceState.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.id = "";
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.id != null && Object.hasOwnProperty.call(message, "id"))
                    writer.uint32(18).string(message.id);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ImportResourceState.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.id = reader.string();
                            break;
                        }
                    case 3: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ImportResourceState.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ImportResourceState.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ImportResourceState.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.id != null)
                    message.id = String(object.id);
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.ImportResourceState.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.id = "";
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.id != null && Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ImportResourceState.ImportedResource = (function() {

            function ImportedResource(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            ImportedResource.prototype.type_name = "";
            ImportedResource.prototype.state = null;
            ImportedResource.prototype["private"] = $util.newBuffer([]);

            ImportedResource.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.state != null && Object.hasOwnProperty.call(message, "state"))
                    $root.tfplugin6.DynamicValue.encode(message.state, writer.uint32(18).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(26).bytes(message["private"]);
                return writer;
            };

            ImportedResource.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ImportResourceState.ImportedResource();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            ImportedResource.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ImportResourceState.ImportedResource)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ImportResourceState.ImportedResource: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ImportResourceState.ImportedResource();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.state != null) {
                    if (!$util.isObject(object.state))
                        throw TypeError(".tfplugin6.ImportResourceState.ImportedResource.state: object expected");
                    message.state = $root.tfplugin6.DynamicValue.fromObject(object.state, long + 1);
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                return message;
            };

            ImportedResource.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.state = null;
                    if (options.bytes === String)
                        object["private"] = "";
                    else {
                        object["private"] = [];
                        if (options.bytes !== Array)
                            object["private"] = $util.newBuffer(object["private"]);
                    }
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.state != null && Object.hasOwnProperty.call(message, "state"))
                    object.state = $root.tfplugin6.DynamicValue.toObject(message.state, options, q + 1);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                return object;
            };

            ImportedResource.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return ImportedResource;
        })();

        ImportResourceState.Response = (function() {

            function Response(properties) {
                this.imported_resources = [];
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.imported_resources = $util.emptyArray;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.deferred = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.imported_resources != null && message.imported_resources.length)
                    for (var i = 0; i < message.imported_resources.length; ++i)
                        $root.tfplugin6.ImportResourceState.ImportedResource.encode(message.imported_resources[i], writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ImportResourceState.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.imported_resources && message.imported_resources.length))
                                message.imported_resources = [];
                            message.imported_resources.push($root.tfplugin6.ImportResourceState.ImportedResource.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ImportResourceState.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ImportResourceState.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ImportResourceState.Response();
                if (object.imported_resources) {
                    if (!Array.isArray(object.imported_resources))
                        throw TypeError(".tfplugin6.ImportResourceState.Response.imported_resources: array expected");
                    message.imported_resources = [];
                    for (var i = 0; i < object.imported_resources.length; ++i) {
                        if (!$util.isObject(object.imported_resources[i]))
                            throw TypeError(".tfplugin6.ImportResourceState.Response.imported_resources: object expected");
                        message.imported_resources[i] = $root.tfplugin6.ImportResourceState.ImportedResource.fromObject(object.imported_resources[i], long + 1);
                    }
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ImportResourceState.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ImportResourceState.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.deferred != null) {
                    if (!$util.isObject(object.deferred))
                        throw TypeError(".tfplugin6.ImportResourceState.Response.deferred: object expected");
                    message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults) {
                    object.imported_resources = [];
                    object.diagnostics = [];
                }
                if (options.defaults)
                    object.deferred = null;
                if (message.imported_resources && message.imported_resources.length) {
                    object.imported_resources = [];
                    for (var j = 0; j < message.imported_resources.length; ++j)
                        object.imported_resources[j] = $root.tfplugin6.ImportResourceState.ImportedResource.toObject(message.imported_resources[j], options, q + 1);
                }
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ImportResourceState;
    })();

    tfplugin6.MoveResourceState = (function() {

        function MoveResourceState(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MoveResourceState.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        MoveResourceState.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.MoveResourceState();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MoveResourceState.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.MoveResourceState)
                return object;
            return new $root.tfplugin6.MoveResourceState();
        };

        MoveResourceState.toObject = function toObject() {
            return {};
        };

        MoveResourceState.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        MoveResourceState.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.source_provider_address = "";
            Request.prototype.source_type_name = "";
            Request.prototype.source_schema_version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            Request.prototype.source_state = null;
            Request.prototype.target_type_name = "";
            Request.prototype.source_private = $util.newBuffer([]);

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.source_provider_address != null && Object.hasOwnProperty.call(message, "source_provider_address"))
                    writer.uint32(10).string(message.source_provider_address);
                if (message.source_type_name != null && Object.hasOwnProperty.call(message, "source_type_name"))
                    writer.uint32(18).string(message.source_type_name);
                if (message.source_schema_version != null && Object.hasOwnProperty.call(message, "source_schema_version"))
                    writer.uint32(24).int64(message.source_schema_version);
                if (message.source_state != null && Object.hasOwnProperty.call(message, "source_state"))
                    $root.tfplugin6.RawState.encode(message.source_state, writer.uint32(34).fork(), q + 1).ldelim();
                if (message.target_type_name != null && Object.hasOwnProperty.call(message, "target_type_name"))
                    writer.uint32(42).string(message.target_type_name);
                if (message.source_private != null && Object.hasOwnProperty.call(message, "source_private"))
                    writer.uint32(50).bytes(message.source_private);
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.MoveResourceState.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.source_provider_address = reader.string();
                            break;
                        }
                    case 2: {
                            message.source_type_name = reader.string();
                            break;
                        }
                    case 3: {
                            message.source_schema_version = reader.int64();
                            break;
                        }
                    case 4: {
                            message.source_state = $root.tfplugin6.RawState.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 5: {
                            message.target_type_name = reader.string();
                            break;
                        }
                    case 6: {
                            message.source_private = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.MoveResourceState.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.MoveResourceState.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.MoveResourceState.Request();
                if (object.source_provider_address != null)
                    message.source_provider_address = String(object.source_provider_address);
                if (object.source_type_name != null)
                    message.source_type_name = String(object.source_type_name);
                if (object.source_schema_version != null)
                    if ($util.Long)
                        message.source_schema_version = $util.Long.fromValue(object.source_schema_version, false);
                    else if (typeof object.source_schema_version === "string")
                        message.source_schema_version = parseInt(object.source_schema_version, 10);
                    else if (typeof object.source_schema_version === "number")
                        message.source_schema_version = object.source_schema_version;
                    else if (typeof object.source_schema_version === "object")
                        message.source_schema_version = new $util.LongBits(object.source_schema_version.low >>> 0, object.source_schema_version.high >>> 0).toNumber();
                if (object.source_state != null) {
                    if (!$util.isObject(object.source_state))
                        throw TypeError(".tfplugin6.MoveResourceState.Request.source_state: object expected");
                    message.source_state = $root.tfplugin6.RawState.fromObject(object.source_state, long + 1);
                }
                if (object.target_type_name != null)
                    message.target_type_name = String(object.target_type_name);
                if (object.source_private != null)
                    if (typeof object.source_private === "string")
                        $util.base64.decode(object.source_private, message.source_private = $util.newBuffer($util.base64.length(object.source_private)), 0);
                    else if (object.source_private.length >= 0)
                        message.source_private = object.source_private;
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.source_provider_address = "";
                    object.source_type_name = "";
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.source_schema_version = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.source_schema_version = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    object.source_state = null;
                    object.target_type_name = "";
                    if (options.bytes === String)
                        object.source_private = "";
                    else {
                        object.source_private = [];
                        if (options.bytes !== Array)
                            object.source_private = $util.newBuffer(object.source_private);
                    }
                }
                if (message.source_provider_address != null && Object.hasOwnProperty.call(message, "source_provider_address"))
                    object.source_provider_address = message.source_provider_address;
                if (message.source_type_name != null && Object.hasOwnProperty.call(message, "source_type_name"))
                    object.source_type_name = message.source_type_name;
                if (message.source_schema_version != null && Object.hasOwnProperty.call(message, "source_schema_version"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.source_schema_version = typeof message.source_schema_version === "number" ? BigInt(message.source_schema_version) : $util.Long.fromBits(message.source_schema_version.low >>> 0, message.source_schema_version.high >>> 0, false).toBigInt();
                    else if (typeof message.source_schema_version === "number")
                        object.source_schema_version = options.longs === String ? String(message.source_schema_version) : message.source_schema_version;
                    else
                        object.source_schema_version = options.longs === String ? $util.Long.prototype.toString.call(message.source_schema_version) : options.longs === Number ? new $util.LongBits(message.source_schema_version.low >>> 0, message.source_schema_version.high >>> 0).toNumber() : message.source_schema_version;
                if (message.source_state != null && Object.hasOwnProperty.call(message, "source_state"))
                    object.source_state = $root.tfplugin6.RawState.toObject(message.source_state, options, q + 1);
                if (message.target_type_name != null && Object.hasOwnProperty.call(message, "target_type_name"))
                    object.target_type_name = message.target_type_name;
                if (message.source_private != null && Object.hasOwnProperty.call(message, "source_private"))
                    object.source_private = options.bytes === String ? $util.base64.encode(message.source_private, 0, message.source_private.length) : options.bytes === Array ? Array.prototype.slice.call(message.source_private) : message.source_private;
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        MoveResourceState.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.target_state = null;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.target_private = $util.newBuffer([]);

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.target_state != null && Object.hasOwnProperty.call(message, "target_state"))
                    $root.tfplugin6.DynamicValue.encode(message.target_state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.target_private != null && Object.hasOwnProperty.call(message, "target_private"))
                    writer.uint32(26).bytes(message.target_private);
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.MoveResourceState.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.target_state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message.target_private = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.MoveResourceState.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.MoveResourceState.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.MoveResourceState.Response();
                if (object.target_state != null) {
                    if (!$util.isObject(object.target_state))
                        throw TypeError(".tfplugin6.MoveResourceState.Response.target_state: object expected");
                    message.target_state = $root.tfplugin6.DynamicValue.fromObject(object.target_state, long + 1);
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.MoveResourceState.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.MoveResourceState.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.target_private != null)
                    if (typeof object.target_private === "string")
                        $util.base64.decode(object.target_private, message.target_private = $util.newBuffer($util.base64.length(object.target_private)), 0);
                    else if (object.target_private.length >= 0)
                        message.target_private = object.target_private;
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults) {
                    object.target_state = null;
                    if (options.bytes === String)
                        object.target_private = "";
                    else {
                        object.target_private = [];
                        if (options.bytes !== Array)
                            object.target_private = $util.newBuffer(object.target_private);
                    }
                }
                if (message.target_state != null && Object.hasOwnProperty.call(message, "target_state"))
                    object.target_state = $root.tfplugin6.DynamicValue.toObject(message.target_state, options, q + 1);
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.target_private != null && Object.hasOwnProperty.call(message, "target_private"))
                    object.target_private = options.bytes === String ? $util.base64.encode(message.target_private, 0, message.target_private.length) : options.bytes === Array ? Array.prototype.slice.call(message.target_private) : message.target_private;
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return MoveResourceState;
    })();

    tfplugin6.ReadDataSource = (function() {

        function ReadDataSource(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ReadDataSource.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        ReadDataSource.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.ReadDataSource();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ReadDataSource.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.ReadDataSource)
                return object;
            return new $root.tfplugin6.ReadDataSource();
        };

        ReadDataSource.toObject = function toObject() {
            return {};
        };

        ReadDataSource.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ReadDataSource.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.config = null;
            Request.prototype.provider_meta = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    $root.tfplugin6.DynamicValue.encode(message.provider_meta, writer.uint32(26).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(34).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ReadDataSource.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.provider_meta = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 4: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ReadDataSource.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ReadDataSource.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ReadDataSource.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.ReadDataSource.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.provider_meta != null) {
                    if (!$util.isObject(object.provider_meta))
                        throw TypeError(".tfplugin6.ReadDataSource.Request.provider_meta: object expected");
                    message.provider_meta = $root.tfplugin6.DynamicValue.fromObject(object.provider_meta, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.ReadDataSource.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.config = null;
                    object.provider_meta = null;
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.provider_meta != null && Object.hasOwnProperty.call(message, "provider_meta"))
                    object.provider_meta = $root.tfplugin6.DynamicValue.toObject(message.provider_meta, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        ReadDataSource.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.state = null;
            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.deferred = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.state != null && Object.hasOwnProperty.call(message, "state"))
                    $root.tfplugin6.DynamicValue.encode(message.state, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.ReadDataSource.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.state = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 3: {
                            message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.ReadDataSource.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.ReadDataSource.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.ReadDataSource.Response();
                if (object.state != null) {
                    if (!$util.isObject(object.state))
                        throw TypeError(".tfplugin6.ReadDataSource.Response.state: object expected");
                    message.state = $root.tfplugin6.DynamicValue.fromObject(object.state, long + 1);
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.ReadDataSource.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.ReadDataSource.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.deferred != null) {
                    if (!$util.isObject(object.deferred))
                        throw TypeError(".tfplugin6.ReadDataSource.Response.deferred: object expected");
                    message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults) {
                    object.state = null;
                    object.deferred = null;
                }
                if (message.state != null && Object.hasOwnProperty.call(message, "state"))
                    object.state = $root.tfplugin6.DynamicValue.toObject(message.state, options, q + 1);
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return ReadDataSource;
    })();

    tfplugin6.OpenEphemeralResource = (function() {

        function OpenEphemeralResource(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        OpenEphemeralResource.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        OpenEphemeralResource.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.OpenEphemeralResource();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        OpenEphemeralResource.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.OpenEphemeralResource)
                return object;
            return new $root.tfplugin6.OpenEphemeralResource();
        };

        OpenEphemeralResource.toObject = function toObject() {
            return {};
        };

        OpenEphemeralResource.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        OpenEphemeralResource.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype.config = null;
            Request.prototype.client_capabilities = null;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    $root.tfplugin6.DynamicValue.encode(message.config, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    $root.tfplugin6.ClientCapabilities.encode(message.client_capabilities, writer.uint32(26).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.OpenEphemeralResource.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message.config = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.client_capabilities = $root.tfplugin6.ClientCapabilities.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.OpenEphemeralResource.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.OpenEphemeralResource.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.OpenEphemeralResource.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object.config != null) {
                    if (!$util.isObject(object.config))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Request.config: object expected");
                    message.config = $root.tfplugin6.DynamicValue.fromObject(object.config, long + 1);
                }
                if (object.client_capabilities != null) {
                    if (!$util.isObject(object.client_capabilities))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Request.client_capabilities: object expected");
                    message.client_capabilities = $root.tfplugin6.ClientCapabilities.fromObject(object.client_capabilities, long + 1);
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.type_name = "";
                    object.config = null;
                    object.client_capabilities = null;
                }
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message.config != null && Object.hasOwnProperty.call(message, "config"))
                    object.config = $root.tfplugin6.DynamicValue.toObject(message.config, options, q + 1);
                if (message.client_capabilities != null && Object.hasOwnProperty.call(message, "client_capabilities"))
                    object.client_capabilities = $root.tfplugin6.ClientCapabilities.toObject(message.client_capabilities, options, q + 1);
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        OpenEphemeralResource.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.renew_at = null;
            Response.prototype.result = null;
            Response.prototype["private"] = null;
            Response.prototype.deferred = null;

            var $oneOfFields;

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Response.prototype, "_renew_at", {
                get: $util.oneOfGetter($oneOfFields = ["renew_at"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Response.prototype, "_private", {
                get: $util.oneOfGetter($oneOfFields = ["private"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                if (message.renew_at != null && Object.hasOwnProperty.call(message, "renew_at"))
                    $root.google.protobuf.Timestamp.encode(message.renew_at, writer.uint32(18).fork(), q + 1).ldelim();
                if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                    $root.tfplugin6.DynamicValue.encode(message.result, writer.uint32(26).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(34).bytes(message["private"]);
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    $root.tfplugin6.Deferred.encode(message.deferred, writer.uint32(42).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.OpenEphemeralResource.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 2: {
                            message.renew_at = $root.google.protobuf.Timestamp.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message.result = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 4: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    case 5: {
                            message.deferred = $root.tfplugin6.Deferred.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.OpenEphemeralResource.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.OpenEphemeralResource.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.OpenEphemeralResource.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.OpenEphemeralResource.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.renew_at != null) {
                    if (!$util.isObject(object.renew_at))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Response.renew_at: object expected");
                    message.renew_at = $root.google.protobuf.Timestamp.fromObject(object.renew_at, long + 1);
                }
                if (object.result != null) {
                    if (!$util.isObject(object.result))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Response.result: object expected");
                    message.result = $root.tfplugin6.DynamicValue.fromObject(object.result, long + 1);
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                if (object.deferred != null) {
                    if (!$util.isObject(object.deferred))
                        throw TypeError(".tfplugin6.OpenEphemeralResource.Response.deferred: object expected");
                    message.deferred = $root.tfplugin6.Deferred.fromObject(object.deferred, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.defaults) {
                    object.result = null;
                    object.deferred = null;
                }
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.renew_at != null && Object.hasOwnProperty.call(message, "renew_at")) {
                    object.renew_at = $root.google.protobuf.Timestamp.toObject(message.renew_at, options, q + 1);
                    if (options.oneofs)
                        object._renew_at = "renew_at";
                }
                if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                    object.result = $root.tfplugin6.DynamicValue.toObject(message.result, options, q + 1);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private")) {
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                    if (options.oneofs)
                        object._private = "private";
                }
                if (message.deferred != null && Object.hasOwnProperty.call(message, "deferred"))
                    object.deferred = $root.tfplugin6.Deferred.toObject(message.deferred, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return OpenEphemeralResource;
    })();

    tfplugin6.RenewEphemeralResource = (function() {

        function RenewEphemeralResource(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        RenewEphemeralResource.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        RenewEphemeralResource.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.RenewEphemeralResource();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        RenewEphemeralResource.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.RenewEphemeralResource)
                return object;
            return new $root.tfplugin6.RenewEphemeralResource();
        };

        RenewEphemeralResource.toObject = function toObject() {
            return {};
        };

        RenewEphemeralResource.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        RenewEphemeralResource.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype["private"] = null;

            var $oneOfFields;

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Request.prototype, "_private", {
                get: $util.oneOfGetter($oneOfFields = ["private"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(18).bytes(message["private"]);
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.RenewEphemeralResource.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.RenewEphemeralResource.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.RenewEphemeralResource.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.RenewEphemeralResource.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.type_name = "";
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private")) {
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                    if (options.oneofs)
                        object._private = "private";
                }
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        RenewEphemeralResource.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;
            Response.prototype.renew_at = null;
            Response.prototype["private"] = null;

            var $oneOfFields;

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Response.prototype, "_renew_at", {
                get: $util.oneOfGetter($oneOfFields = ["renew_at"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Response.prototype, "_private", {
                get: $util.oneOfGetter($oneOfFields = ["private"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                if (message.renew_at != null && Object.hasOwnProperty.call(message, "renew_at"))
                    $root.google.protobuf.Timestamp.encode(message.renew_at, writer.uint32(18).fork(), q + 1).ldelim();
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(26).bytes(message["private"]);
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.RenewEphemeralResource.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    case 2: {
                            message.renew_at = $root.google.protobuf.Timestamp.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 3: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.RenewEphemeralResource.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.RenewEphemeralResource.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.RenewEphemeralResource.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.RenewEphemeralResource.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.RenewEphemeralResource.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                if (object.renew_at != null) {
                    if (!$util.isObject(object.renew_at))
                        throw TypeError(".tfplugin6.RenewEphemeralResource.Response.renew_at: object expected");
                    message.renew_at = $root.google.protobuf.Timestamp.fromObject(object.renew_at, long + 1);
                }
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                if (message.renew_at != null && Object.hasOwnProperty.call(message, "renew_at")) {
                    object.renew_at = $root.google.protobuf.Timestamp.toObject(message.renew_at, options, q + 1);
                    if (options.oneofs)
                        object._renew_at = "renew_at";
                }
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private")) {
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                    if (options.oneofs)
                        object._private = "private";
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return RenewEphemeralResource;
    })();

    tfplugin6.CloseEphemeralResource = (function() {

        function CloseEphemeralResource(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        CloseEphemeralResource.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        CloseEphemeralResource.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.CloseEphemeralResource();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        CloseEphemeralResource.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.CloseEphemeralResource)
                return object;
            return new $root.tfplugin6.CloseEphemeralResource();
        };

        CloseEphemeralResource.toObject = function toObject() {
            return {};
        };

        CloseEphemeralResource.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        CloseEphemeralResource.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.type_name = "";
            Request.prototype["private"] = null;

            var $oneOfFields;

            // Virtual OneOf for proto3 optional field
            Object.defineProperty(Request.prototype, "_private", {
                get: $util.oneOfGetter($oneOfFields = ["private"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    writer.uint32(10).string(message.type_name);
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private"))
                    writer.uint32(18).bytes(message["private"]);
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.CloseEphemeralResource.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.type_name = reader.string();
                            break;
                        }
                    case 2: {
                            message["private"] = reader.bytes();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.CloseEphemeralResource.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.CloseEphemeralResource.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.CloseEphemeralResource.Request();
                if (object.type_name != null)
                    message.type_name = String(object.type_name);
                if (object["private"] != null)
                    if (typeof object["private"] === "string")
                        $util.base64.decode(object["private"], message["private"] = $util.newBuffer($util.base64.length(object["private"])), 0);
                    else if (object["private"].length >= 0)
                        message["private"] = object["private"];
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults)
                    object.type_name = "";
                if (message.type_name != null && Object.hasOwnProperty.call(message, "type_name"))
                    object.type_name = message.type_name;
                if (message["private"] != null && Object.hasOwnProperty.call(message, "private")) {
                    object["private"] = options.bytes === String ? $util.base64.encode(message["private"], 0, message["private"].length) : options.bytes === Array ? Array.prototype.slice.call(message["private"]) : message["private"];
                    if (options.oneofs)
                        object._private = "private";
                }
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        CloseEphemeralResource.Response = (function() {

            function Response(properties) {
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(10).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.CloseEphemeralResource.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.CloseEphemeralResource.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.CloseEphemeralResource.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.CloseEphemeralResource.Response();
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.CloseEphemeralResource.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.CloseEphemeralResource.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return CloseEphemeralResource;
    })();

    tfplugin6.GetFunctions = (function() {

        function GetFunctions(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        GetFunctions.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        GetFunctions.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.GetFunctions();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        GetFunctions.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.GetFunctions)
                return object;
            return new $root.tfplugin6.GetFunctions();
        };

        GetFunctions.toObject = function toObject() {
            return {};
        };

        GetFunctions.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        GetFunctions.Request = (function() {

            function Request(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetFunctions.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetFunctions.Request)
                    return object;
                return new $root.tfplugin6.GetFunctions.Request();
            };

            Request.toObject = function toObject() {
                return {};
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        GetFunctions.Response = (function() {

            function Response(properties) {
                this.functions = {};
                this.diagnostics = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.functions = $util.emptyObject;
            Response.prototype.diagnostics = $util.emptyArray;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.functions != null && Object.hasOwnProperty.call(message, "functions"))
                    for (var keys = Object.keys(message.functions), i = 0; i < keys.length; ++i) {
                        writer.uint32(10).fork().uint32(10).string(keys[i]);
                        $root.tfplugin6.Function.encode(message.functions[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                    }
                if (message.diagnostics != null && message.diagnostics.length)
                    for (var i = 0; i < message.diagnostics.length; ++i)
                        $root.tfplugin6.Diagnostic.encode(message.diagnostics[i], writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message, key, value;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.GetFunctions.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            if (message.functions === $util.emptyObject)
                                message.functions = {};
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = null;
                            while (reader.pos < end2) {
                                var tag2 = reader.uint32();
                                switch (tag2 >>> 3) {
                                case 1:
                                    key = reader.string();
                                    break;
                                case 2:
                                    value = $root.tfplugin6.Function.decode(reader, reader.uint32(), undefined, long + 1);
                                    break;
                                default:
                                    reader.skipType(tag2 & 7, long);
                                    break;
                                }
                            }
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.functions, key);
                            message.functions[key] = value;
                            break;
                        }
                    case 2: {
                            if (!(message.diagnostics && message.diagnostics.length))
                                message.diagnostics = [];
                            message.diagnostics.push($root.tfplugin6.Diagnostic.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.GetFunctions.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.GetFunctions.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.GetFunctions.Response();
                if (object.functions) {
                    if (!$util.isObject(object.functions))
                        throw TypeError(".tfplugin6.GetFunctions.Response.functions: object expected");
                    message.functions = {};
                    for (var keys = Object.keys(object.functions), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.functions, keys[i]);
                        if (!$util.isObject(object.functions[keys[i]]))
                            throw TypeError(".tfplugin6.GetFunctions.Response.functions: object expected");
                        message.functions[keys[i]] = $root.tfplugin6.Function.fromObject(object.functions[keys[i]], long + 1);
                    }
                }
                if (object.diagnostics) {
                    if (!Array.isArray(object.diagnostics))
                        throw TypeError(".tfplugin6.GetFunctions.Response.diagnostics: array expected");
                    message.diagnostics = [];
                    for (var i = 0; i < object.diagnostics.length; ++i) {
                        if (!$util.isObject(object.diagnostics[i]))
                            throw TypeError(".tfplugin6.GetFunctions.Response.diagnostics: object expected");
                        message.diagnostics[i] = $root.tfplugin6.Diagnostic.fromObject(object.diagnostics[i], long + 1);
                    }
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object.diagnostics = [];
                if (options.objects || options.defaults)
                    object.functions = {};
                var keys2;
                if (message.functions && (keys2 = Object.keys(message.functions)).length) {
                    object.functions = {};
                    for (var j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.functions, keys2[j]);
                        object.functions[keys2[j]] = $root.tfplugin6.Function.toObject(message.functions[keys2[j]], options, q + 1);
                    }
                }
                if (message.diagnostics && message.diagnostics.length) {
                    object.diagnostics = [];
                    for (var j = 0; j < message.diagnostics.length; ++j)
                        object.diagnostics[j] = $root.tfplugin6.Diagnostic.toObject(message.diagnostics[j], options, q + 1);
                }
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return GetFunctions;
    })();

    tfplugin6.CallFunction = (function() {

        function CallFunction(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        CallFunction.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        CallFunction.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.tfplugin6.CallFunction();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        CallFunction.fromObject = function fromObject(object, long) {
            if (object instanceof $root.tfplugin6.CallFunction)
                return object;
            return new $root.tfplugin6.CallFunction();
        };

        CallFunction.toObject = function toObject() {
            return {};
        };

        CallFunction.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        CallFunction.Request = (function() {

            function Request(properties) {
                this["arguments"] = [];
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Request.prototype.name = "";
            Request.prototype["arguments"] = $util.emptyArray;

            Request.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    writer.uint32(10).string(message.name);
                if (message["arguments"] != null && message["arguments"].length)
                    for (var i = 0; i < message["arguments"].length; ++i)
                        $root.tfplugin6.DynamicValue.encode(message["arguments"][i], writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Request.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.CallFunction.Request();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.name = reader.string();
                            break;
                        }
                    case 2: {
                            if (!(message["arguments"] && message["arguments"].length))
                                message["arguments"] = [];
                            message["arguments"].push($root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1));
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Request.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.CallFunction.Request)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.CallFunction.Request: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.CallFunction.Request();
                if (object.name != null)
                    message.name = String(object.name);
                if (object["arguments"]) {
                    if (!Array.isArray(object["arguments"]))
                        throw TypeError(".tfplugin6.CallFunction.Request.arguments: array expected");
                    message["arguments"] = [];
                    for (var i = 0; i < object["arguments"].length; ++i) {
                        if (!$util.isObject(object["arguments"][i]))
                            throw TypeError(".tfplugin6.CallFunction.Request.arguments: object expected");
                        message["arguments"][i] = $root.tfplugin6.DynamicValue.fromObject(object["arguments"][i], long + 1);
                    }
                }
                return message;
            };

            Request.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.arrays || options.defaults)
                    object["arguments"] = [];
                if (options.defaults)
                    object.name = "";
                if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message["arguments"] && message["arguments"].length) {
                    object["arguments"] = [];
                    for (var j = 0; j < message["arguments"].length; ++j)
                        object["arguments"][j] = $root.tfplugin6.DynamicValue.toObject(message["arguments"][j], options, q + 1);
                }
                return object;
            };

            Request.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Request;
        })();

        CallFunction.Response = (function() {

            function Response(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Response.prototype.result = null;
            Response.prototype.error = null;

            Response.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                    $root.tfplugin6.DynamicValue.encode(message.result, writer.uint32(10).fork(), q + 1).ldelim();
                if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                    $root.tfplugin6.FunctionError.encode(message.error, writer.uint32(18).fork(), q + 1).ldelim();
                return writer;
            };

            Response.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.tfplugin6.CallFunction.Response();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.result = $root.tfplugin6.DynamicValue.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    case 2: {
                            message.error = $root.tfplugin6.FunctionError.decode(reader, reader.uint32(), undefined, long + 1);
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Response.fromObject = function fromObject(object, long) {
                if (object instanceof $root.tfplugin6.CallFunction.Response)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".tfplugin6.CallFunction.Response: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.tfplugin6.CallFunction.Response();
                if (object.result != null) {
                    if (!$util.isObject(object.result))
                        throw TypeError(".tfplugin6.CallFunction.Response.result: object expected");
                    message.result = $root.tfplugin6.DynamicValue.fromObject(object.result, long + 1);
                }
                if (object.error != null) {
                    if (!$util.isObject(object.error))
                        throw TypeError(".tfplugin6.CallFunction.Response.error: object expected");
                    message.error = $root.tfplugin6.FunctionError.fromObject(object.error, long + 1);
                }
                return message;
            };

            Response.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.result = null;
                    object.error = null;
                }
                if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                    object.result = $root.tfplugin6.DynamicValue.toObject(message.result, options, q + 1);
                if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                    object.error = $root.tfplugin6.FunctionError.toObject(message.error, options, q + 1);
                return object;
            };

            Response.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Response;
        })();

        return CallFunction;
    })();

    return tfplugin6;
})();

$root.plugin = (function() {

    var plugin = {};

    plugin.Empty = (function() {

        function Empty(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Empty.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        Empty.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.plugin.Empty();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Empty.fromObject = function fromObject(object, long) {
            if (object instanceof $root.plugin.Empty)
                return object;
            return new $root.plugin.Empty();
        };

        Empty.toObject = function toObject() {
            return {};
        };

        Empty.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return Empty;
    })();

    plugin.StdioData = (function() {

        function StdioData(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        StdioData.prototype.channel = 0;
        StdioData.prototype.data = $util.newBuffer([]);

        StdioData.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.channel != null && Object.hasOwnProperty.call(message, "channel"))
                writer.uint32(8).int32(message.channel);
            if (message.data != null && Object.hasOwnProperty.call(message, "data"))
                writer.uint32(18).bytes(message.data);
            return writer;
        };

        StdioData.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.plugin.StdioData();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.channel = reader.int32();
                        break;
                    }
                case 2: {
                        message.data = reader.bytes();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        StdioData.fromObject = function fromObject(object, long) {
            if (object instanceof $root.plugin.StdioData)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".plugin.StdioData: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.plugin.StdioData();
            switch (object.channel) {
            default:
                if (typeof object.channel === "number") {
                    message.channel = object.channel;
                    break;
                }
                break;
            case "INVALID":
            case 0:
                message.channel = 0;
                break;
            case "STDOUT":
            case 1:
                message.channel = 1;
                break;
            case "STDERR":
            case 2:
                message.channel = 2;
                break;
            }
            if (object.data != null)
                if (typeof object.data === "string")
                    $util.base64.decode(object.data, message.data = $util.newBuffer($util.base64.length(object.data)), 0);
                else if (object.data.length >= 0)
                    message.data = object.data;
            return message;
        };

        StdioData.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.channel = options.enums === String ? "INVALID" : 0;
                if (options.bytes === String)
                    object.data = "";
                else {
                    object.data = [];
                    if (options.bytes !== Array)
                        object.data = $util.newBuffer(object.data);
                }
            }
            if (message.channel != null && Object.hasOwnProperty.call(message, "channel"))
                object.channel = options.enums === String ? $root.plugin.StdioData.Channel[message.channel] === undefined ? message.channel : $root.plugin.StdioData.Channel[message.channel] : message.channel;
            if (message.data != null && Object.hasOwnProperty.call(message, "data"))
                object.data = options.bytes === String ? $util.base64.encode(message.data, 0, message.data.length) : options.bytes === Array ? Array.prototype.slice.call(message.data) : message.data;
            return object;
        };

        StdioData.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        StdioData.Channel = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "INVALID"] = 0;
            values[valuesById[1] = "STDOUT"] = 1;
            values[valuesById[2] = "STDERR"] = 2;
            return values;
        })();

        return StdioData;
    })();

    plugin.ConnInfo = (function() {

        function ConnInfo(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ConnInfo.prototype.service_id = 0;
        ConnInfo.prototype.network = "";
        ConnInfo.prototype.address = "";
        ConnInfo.prototype.knock = null;

        ConnInfo.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.service_id != null && Object.hasOwnProperty.call(message, "service_id"))
                writer.uint32(8).uint32(message.service_id);
            if (message.network != null && Object.hasOwnProperty.call(message, "network"))
                writer.uint32(18).string(message.network);
            if (message.address != null && Object.hasOwnProperty.call(message, "address"))
                writer.uint32(26).string(message.address);
            if (message.knock != null && Object.hasOwnProperty.call(message, "knock"))
                $root.plugin.ConnInfo.Knock.encode(message.knock, writer.uint32(34).fork(), q + 1).ldelim();
            return writer;
        };

        ConnInfo.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.plugin.ConnInfo();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.service_id = reader.uint32();
                        break;
                    }
                case 2: {
                        message.network = reader.string();
                        break;
                    }
                case 3: {
                        message.address = reader.string();
                        break;
                    }
                case 4: {
                        message.knock = $root.plugin.ConnInfo.Knock.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ConnInfo.fromObject = function fromObject(object, long) {
            if (object instanceof $root.plugin.ConnInfo)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".plugin.ConnInfo: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.plugin.ConnInfo();
            if (object.service_id != null)
                message.service_id = object.service_id >>> 0;
            if (object.network != null)
                message.network = String(object.network);
            if (object.address != null)
                message.address = String(object.address);
            if (object.knock != null) {
                if (!$util.isObject(object.knock))
                    throw TypeError(".plugin.ConnInfo.knock: object expected");
                message.knock = $root.plugin.ConnInfo.Knock.fromObject(object.knock, long + 1);
            }
            return message;
        };

        ConnInfo.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.service_id = 0;
                object.network = "";
                object.address = "";
                object.knock = null;
            }
            if (message.service_id != null && Object.hasOwnProperty.call(message, "service_id"))
                object.service_id = message.service_id;
            if (message.network != null && Object.hasOwnProperty.call(message, "network"))
                object.network = message.network;
            if (message.address != null && Object.hasOwnProperty.call(message, "address"))
                object.address = message.address;
            if (message.knock != null && Object.hasOwnProperty.call(message, "knock"))
                object.knock = $root.plugin.ConnInfo.Knock.toObject(message.knock, options, q + 1);
            return object;
        };

        ConnInfo.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        ConnInfo.Knock = (function() {

            function Knock(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Knock.prototype.knock = false;
            Knock.prototype.ack = false;
            Knock.prototype.error = "";

            Knock.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.knock != null && Object.hasOwnProperty.call(message, "knock"))
                    writer.uint32(8).bool(message.knock);
                if (message.ack != null && Object.hasOwnProperty.call(message, "ack"))
                    writer.uint32(16).bool(message.ack);
                if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                    writer.uint32(26).string(message.error);
                return writer;
            };

            Knock.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.plugin.ConnInfo.Knock();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.knock = reader.bool();
                            break;
                        }
                    case 2: {
                            message.ack = reader.bool();
                            break;
                        }
                    case 3: {
                            message.error = reader.string();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Knock.fromObject = function fromObject(object, long) {
                if (object instanceof $root.plugin.ConnInfo.Knock)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".plugin.ConnInfo.Knock: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.plugin.ConnInfo.Knock();
                if (object.knock != null)
                    message.knock = Boolean(object.knock);
                if (object.ack != null)
                    message.ack = Boolean(object.ack);
                if (object.error != null)
                    message.error = String(object.error);
                return message;
            };

            Knock.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    object.knock = false;
                    object.ack = false;
                    object.error = "";
                }
                if (message.knock != null && Object.hasOwnProperty.call(message, "knock"))
                    object.knock = message.knock;
                if (message.ack != null && Object.hasOwnProperty.call(message, "ack"))
                    object.ack = message.ack;
                if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                    object.error = message.error;
                return object;
            };

            Knock.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Knock;
        })();

        return ConnInfo;
    })();

    return plugin;
})();

$root.google = (function() {

    var google = {};

    google.protobuf = (function() {

        var protobuf = {};

        protobuf.Timestamp = (function() {

            function Timestamp(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Timestamp.prototype.seconds = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
            Timestamp.prototype.nanos = 0;

            Timestamp.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                if (message.seconds != null && Object.hasOwnProperty.call(message, "seconds"))
                    writer.uint32(8).int64(message.seconds);
                if (message.nanos != null && Object.hasOwnProperty.call(message, "nanos"))
                    writer.uint32(16).int32(message.nanos);
                return writer;
            };

            Timestamp.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.google.protobuf.Timestamp();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    case 1: {
                            message.seconds = reader.int64();
                            break;
                        }
                    case 2: {
                            message.nanos = reader.int32();
                            break;
                        }
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Timestamp.fromObject = function fromObject(object, long) {
                if (object instanceof $root.google.protobuf.Timestamp)
                    return object;
                if (!$util.isObject(object))
                    throw TypeError(".google.protobuf.Timestamp: object expected");
                if (long === undefined)
                    long = 0;
                if (long > $util.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var message = new $root.google.protobuf.Timestamp();
                if (object.seconds != null)
                    if ($util.Long)
                        message.seconds = $util.Long.fromValue(object.seconds, false);
                    else if (typeof object.seconds === "string")
                        message.seconds = parseInt(object.seconds, 10);
                    else if (typeof object.seconds === "number")
                        message.seconds = object.seconds;
                    else if (typeof object.seconds === "object")
                        message.seconds = new $util.LongBits(object.seconds.low >>> 0, object.seconds.high >>> 0).toNumber();
                if (object.nanos != null)
                    message.nanos = object.nanos | 0;
                return message;
            };

            Timestamp.toObject = function toObject(message, options, q) {
                if (!options)
                    options = {};
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                var object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        var long = new $util.Long(0, 0, false);
                        object.seconds = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                    } else
                        object.seconds = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                    object.nanos = 0;
                }
                if (message.seconds != null && Object.hasOwnProperty.call(message, "seconds"))
                    if (typeof BigInt !== "undefined" && options.longs === BigInt)
                        object.seconds = typeof message.seconds === "number" ? BigInt(message.seconds) : $util.Long.fromBits(message.seconds.low >>> 0, message.seconds.high >>> 0, false).toBigInt();
                    else if (typeof message.seconds === "number")
                        object.seconds = options.longs === String ? String(message.seconds) : message.seconds;
                    else
                        object.seconds = options.longs === String ? $util.Long.prototype.toString.call(message.seconds) : options.longs === Number ? new $util.LongBits(message.seconds.low >>> 0, message.seconds.high >>> 0).toNumber() : message.seconds;
                if (message.nanos != null && Object.hasOwnProperty.call(message, "nanos"))
                    object.nanos = message.nanos;
                return object;
            };

            Timestamp.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Timestamp;
        })();

        protobuf.Empty = (function() {

            function Empty(properties) {
                if (properties)
                    for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            }

            Empty.encode = function encode(message, writer, q) {
                if (!writer)
                    writer = $Writer.create();
                if (q === undefined)
                    q = 0;
                if (q > $util.recursionLimit)
                    throw Error("max depth exceeded");
                return writer;
            };

            Empty.decode = function decode(reader, length, error, long) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (long === undefined)
                    long = 0;
                if (long > $Reader.recursionLimit)
                    throw Error("maximum nesting depth exceeded");
                var end, message;
                if (length === undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = new $root.google.protobuf.Empty();
                while (reader.pos < end) {
                    var tag = reader.uint32();
                    if (tag === error)
                        break;
                    switch (tag >>> 3) {
                    default:
                        reader.skipType(tag & 7, long);
                        break;
                    }
                }
                if (length !== undefined) {
                    if (reader.pos !== end)
                        throw RangeError("index out of range");
                    reader.len = length;
                }
                return message;
            };

            Empty.fromObject = function fromObject(object, long) {
                if (object instanceof $root.google.protobuf.Empty)
                    return object;
                return new $root.google.protobuf.Empty();
            };

            Empty.toObject = function toObject() {
                return {};
            };

            Empty.prototype.toJSON = function toJSON() {
                return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Empty;
        })();

        return protobuf;
    })();

    return google;
})();

$root.grpc = (function() {

    var grpc = {};

    grpc.health = (function() {

        var health = {};

        health.v1 = (function() {

            var v1 = {};

            v1.HealthCheckRequest = (function() {

                function HealthCheckRequest(properties) {
                    if (properties)
                        for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                HealthCheckRequest.prototype.service = "";

                HealthCheckRequest.encode = function encode(message, writer, q) {
                    if (!writer)
                        writer = $Writer.create();
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    if (message.service != null && Object.hasOwnProperty.call(message, "service"))
                        writer.uint32(10).string(message.service);
                    return writer;
                };

                HealthCheckRequest.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.grpc.health.v1.HealthCheckRequest();
                    while (reader.pos < end) {
                        var tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.service = reader.string();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                HealthCheckRequest.fromObject = function fromObject(object, long) {
                    if (object instanceof $root.grpc.health.v1.HealthCheckRequest)
                        return object;
                    if (!$util.isObject(object))
                        throw TypeError(".grpc.health.v1.HealthCheckRequest: object expected");
                    if (long === undefined)
                        long = 0;
                    if (long > $util.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var message = new $root.grpc.health.v1.HealthCheckRequest();
                    if (object.service != null)
                        message.service = String(object.service);
                    return message;
                };

                HealthCheckRequest.toObject = function toObject(message, options, q) {
                    if (!options)
                        options = {};
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    var object = {};
                    if (options.defaults)
                        object.service = "";
                    if (message.service != null && Object.hasOwnProperty.call(message, "service"))
                        object.service = message.service;
                    return object;
                };

                HealthCheckRequest.prototype.toJSON = function toJSON() {
                    return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
                };

                return HealthCheckRequest;
            })();

            v1.HealthCheckResponse = (function() {

                function HealthCheckResponse(properties) {
                    if (properties)
                        for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                HealthCheckResponse.prototype.status = 0;

                HealthCheckResponse.encode = function encode(message, writer, q) {
                    if (!writer)
                        writer = $Writer.create();
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                        writer.uint32(8).int32(message.status);
                    return writer;
                };

                HealthCheckResponse.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.grpc.health.v1.HealthCheckResponse();
                    while (reader.pos < end) {
                        var tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                message.status = reader.int32();
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                HealthCheckResponse.fromObject = function fromObject(object, long) {
                    if (object instanceof $root.grpc.health.v1.HealthCheckResponse)
                        return object;
                    if (!$util.isObject(object))
                        throw TypeError(".grpc.health.v1.HealthCheckResponse: object expected");
                    if (long === undefined)
                        long = 0;
                    if (long > $util.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var message = new $root.grpc.health.v1.HealthCheckResponse();
                    switch (object.status) {
                    default:
                        if (typeof object.status === "number") {
                            message.status = object.status;
                            break;
                        }
                        break;
                    case "UNKNOWN":
                    case 0:
                        message.status = 0;
                        break;
                    case "SERVING":
                    case 1:
                        message.status = 1;
                        break;
                    case "NOT_SERVING":
                    case 2:
                        message.status = 2;
                        break;
                    case "SERVICE_UNKNOWN":
                    case 3:
                        message.status = 3;
                        break;
                    }
                    return message;
                };

                HealthCheckResponse.toObject = function toObject(message, options, q) {
                    if (!options)
                        options = {};
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    var object = {};
                    if (options.defaults)
                        object.status = options.enums === String ? "UNKNOWN" : 0;
                    if (message.status != null && Object.hasOwnProperty.call(message, "status"))
                        object.status = options.enums === String ? $root.grpc.health.v1.HealthCheckResponse.ServingStatus[message.status] === undefined ? message.status : $root.grpc.health.v1.HealthCheckResponse.ServingStatus[message.status] : message.status;
                    return object;
                };

                HealthCheckResponse.prototype.toJSON = function toJSON() {
                    return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
                };

                HealthCheckResponse.ServingStatus = (function() {
                    var valuesById = {}, values = Object.create(valuesById);
                    values[valuesById[0] = "UNKNOWN"] = 0;
                    values[valuesById[1] = "SERVING"] = 1;
                    values[valuesById[2] = "NOT_SERVING"] = 2;
                    values[valuesById[3] = "SERVICE_UNKNOWN"] = 3;
                    return values;
                })();

                return HealthCheckResponse;
            })();

            v1.HealthListRequest = (function() {

                function HealthListRequest(properties) {
                    if (properties)
                        for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                HealthListRequest.encode = function encode(message, writer, q) {
                    if (!writer)
                        writer = $Writer.create();
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    return writer;
                };

                HealthListRequest.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var end, message;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.grpc.health.v1.HealthListRequest();
                    while (reader.pos < end) {
                        var tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                HealthListRequest.fromObject = function fromObject(object, long) {
                    if (object instanceof $root.grpc.health.v1.HealthListRequest)
                        return object;
                    return new $root.grpc.health.v1.HealthListRequest();
                };

                HealthListRequest.toObject = function toObject() {
                    return {};
                };

                HealthListRequest.prototype.toJSON = function toJSON() {
                    return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
                };

                return HealthListRequest;
            })();

            v1.HealthListResponse = (function() {

                function HealthListResponse(properties) {
                    this.statuses = {};
                    if (properties)
                        for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                                this[keys[i]] = properties[keys[i]];
                }

                HealthListResponse.prototype.statuses = $util.emptyObject;

                HealthListResponse.encode = function encode(message, writer, q) {
                    if (!writer)
                        writer = $Writer.create();
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    if (message.statuses != null && Object.hasOwnProperty.call(message, "statuses"))
                        for (var keys = Object.keys(message.statuses), i = 0; i < keys.length; ++i) {
                            writer.uint32(10).fork().uint32(10).string(keys[i]);
                            $root.grpc.health.v1.HealthCheckResponse.encode(message.statuses[keys[i]], writer.uint32(18).fork(), q + 1).ldelim().ldelim();
                        }
                    return writer;
                };

                HealthListResponse.decode = function decode(reader, length, error, long) {
                    if (!(reader instanceof $Reader))
                        reader = $Reader.create(reader);
                    if (long === undefined)
                        long = 0;
                    if (long > $Reader.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var end, message, key, value;
                    if (length === undefined)
                        end = reader.len;
                    else {
                        end = reader.pos + length;
                        if (end > reader.len)
                            throw RangeError("index out of range");
                        length = reader.len;
                        reader.len = end;
                    }
                    message = new $root.grpc.health.v1.HealthListResponse();
                    while (reader.pos < end) {
                        var tag = reader.uint32();
                        if (tag === error)
                            break;
                        switch (tag >>> 3) {
                        case 1: {
                                if (message.statuses === $util.emptyObject)
                                    message.statuses = {};
                                var end2 = reader.uint32() + reader.pos;
                                if (end2 > reader.len)
                                    throw RangeError("index out of range");
                                reader.len = end2;
                                key = "";
                                value = null;
                                while (reader.pos < end2) {
                                    var tag2 = reader.uint32();
                                    switch (tag2 >>> 3) {
                                    case 1:
                                        key = reader.string();
                                        break;
                                    case 2:
                                        value = $root.grpc.health.v1.HealthCheckResponse.decode(reader, reader.uint32(), undefined, long + 1);
                                        break;
                                    default:
                                        reader.skipType(tag2 & 7, long);
                                        break;
                                    }
                                }
                                if (reader.pos !== end2)
                                    throw RangeError("index out of range");
                                reader.len = end;
                                if (key === "__proto__")
                                    $util.makeProp(message.statuses, key);
                                message.statuses[key] = value;
                                break;
                            }
                        default:
                            reader.skipType(tag & 7, long);
                            break;
                        }
                    }
                    if (length !== undefined) {
                        if (reader.pos !== end)
                            throw RangeError("index out of range");
                        reader.len = length;
                    }
                    return message;
                };

                HealthListResponse.fromObject = function fromObject(object, long) {
                    if (object instanceof $root.grpc.health.v1.HealthListResponse)
                        return object;
                    if (!$util.isObject(object))
                        throw TypeError(".grpc.health.v1.HealthListResponse: object expected");
                    if (long === undefined)
                        long = 0;
                    if (long > $util.recursionLimit)
                        throw Error("maximum nesting depth exceeded");
                    var message = new $root.grpc.health.v1.HealthListResponse();
                    if (object.statuses) {
                        if (!$util.isObject(object.statuses))
                            throw TypeError(".grpc.health.v1.HealthListResponse.statuses: object expected");
                        message.statuses = {};
                        for (var keys = Object.keys(object.statuses), i = 0; i < keys.length; ++i) {
                            if (keys[i] === "__proto__")
                                $util.makeProp(message.statuses, keys[i]);
                            if (!$util.isObject(object.statuses[keys[i]]))
                                throw TypeError(".grpc.health.v1.HealthListResponse.statuses: object expected");
                            message.statuses[keys[i]] = $root.grpc.health.v1.HealthCheckResponse.fromObject(object.statuses[keys[i]], long + 1);
                        }
                    }
                    return message;
                };

                HealthListResponse.toObject = function toObject(message, options, q) {
                    if (!options)
                        options = {};
                    if (q === undefined)
                        q = 0;
                    if (q > $util.recursionLimit)
                        throw Error("max depth exceeded");
                    var object = {};
                    if (options.objects || options.defaults)
                        object.statuses = {};
                    var keys2;
                    if (message.statuses && (keys2 = Object.keys(message.statuses)).length) {
                        object.statuses = {};
                        for (var j = 0; j < keys2.length; ++j) {
                            if (keys2[j] === "__proto__")
                                $util.makeProp(object.statuses, keys2[j]);
                            object.statuses[keys2[j]] = $root.grpc.health.v1.HealthCheckResponse.toObject(message.statuses[keys2[j]], options, q + 1);
                        }
                    }
                    return object;
                };

                HealthListResponse.prototype.toJSON = function toJSON() {
                    return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
                };

                return HealthListResponse;
            })();

            return v1;
        })();

        return health;
    })();

    return grpc;
})();

module.exports = $root;
