// Preloaded (node --require) into server-everything's HTTP mode by the upstream tests: a server
// that listens on a bare port binds 127.0.0.1 only, never every interface.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === "number" || (typeof port === "string" && /^\d+$/.test(port))) {
    const callback = rest.find((arg) => typeof arg === "function");
    return listen.call(this, { port: Number(port), host: "127.0.0.1" }, callback);
  }
  return listen.call(this, port, ...rest);
};
