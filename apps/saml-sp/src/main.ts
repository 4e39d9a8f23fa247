import 'reflect-metadata';
import { runApp } from '@sso/platform';
import { samlSp } from './app';

void runApp(samlSp);
