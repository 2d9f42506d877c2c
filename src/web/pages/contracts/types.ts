export type { Contract, ContractListItem } from '../../../domain/contracts';
