// Entry point of dist/server.js: the client starts it over Node IPC.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './startServer';

startServer(createConnection(ProposedFeatures.all));
